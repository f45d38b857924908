FUNCTION z_arbots_read_text.
*"----------------------------------------------------------------------
*" arbots: read a long text, remote-enabled (READ_TEXT is not).
*" Function group ZARBOTS, processing type "Remote-Enabled Module".
*"
*" The same text objects and checks as Z_ARBOTS_SAVE_TEXT: KNB1 or BELEG
*" only (027), the name in its object's layout (028), and display
*" authorisation for the company code: F_KNA1_BUK (KNB1) or F_BKPF_BUK
*" (BELEG), ACTVT 03 (else 023). A text that does not exist is not an
*" error: T_LINES comes back empty.
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
  CLEAR: t_lines[], return[].

  IF i_tdobject IS INITIAL OR i_tdname IS INITIAL OR i_tdid IS INITIAL.
    PERFORM add_message TABLES return USING 'E' '026' space space space.
    RETURN.
  ENDIF.
  PERFORM check_text_authority TABLES return USING i_tdobject i_tdname '03'.
  IF return[] IS NOT INITIAL.
    RETURN.
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
  IF sy-subrc > 1.                     " 1: no text yet, which is no error
    PERFORM add_sy_message TABLES return.
  ENDIF.
ENDFUNCTION.
