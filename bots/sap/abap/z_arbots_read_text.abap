FUNCTION z_arbots_read_text.
*"----------------------------------------------------------------------
*" arbots: read a long text, remote-enabled (READ_TEXT is not).
*" Function group ZARBOTS, processing type "Remote-Enabled Module".
*"
*" A text that does not exist is not an error: T_LINES comes back empty.
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(I_TDOBJECT) TYPE  TDOBJECT
*"     VALUE(I_TDNAME) TYPE  TDOBNAME
*"     VALUE(I_TDID) TYPE  TDID
*"     VALUE(I_TDSPRAS) TYPE  SPRAS DEFAULT 'E'
*"  TABLES
*"      T_LINES STRUCTURE  TLINE
*"      RETURN STRUCTURE  BAPIRET2
*"----------------------------------------------------------------------
  DATA: ls_return TYPE bapiret2,
        lv_bukrs  TYPE bukrs.

  CLEAR: t_lines[], return[].

  IF i_tdobject = 'KNB1'.
    lv_bukrs = i_tdname+10(4).
    AUTHORITY-CHECK OBJECT 'F_KNA1_BUK'
      ID 'BUKRS' FIELD lv_bukrs
      ID 'ACTVT' FIELD '03'.
    IF sy-subrc <> 0.
      ls_return-type = 'E'. ls_return-id = 'ZARBOTS'. ls_return-number = '023'.
      ls_return-message = |No authorisation to display customer texts in { lv_bukrs }|.
      ls_return-message_v1 = lv_bukrs.
      APPEND ls_return TO return.
      RETURN.
    ENDIF.
  ENDIF.

  CALL FUNCTION 'READ_TEXT'
    EXPORTING
      id        = i_tdid
      language  = i_tdspras
      name      = i_tdname
      object    = i_tdobject
    TABLES
      lines     = t_lines
    EXCEPTIONS
      not_found = 1
      OTHERS    = 2.
  CASE sy-subrc.
    WHEN 0 OR 1.                       " found, or no text yet
    WHEN OTHERS.
      ls_return-type = 'E'. ls_return-id = sy-msgid. ls_return-number = sy-msgno.
      ls_return-message_v1 = sy-msgv1. ls_return-message_v2 = sy-msgv2.
      APPEND ls_return TO return.
  ENDCASE.
ENDFUNCTION.
