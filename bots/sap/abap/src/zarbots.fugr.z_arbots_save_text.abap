FUNCTION z_arbots_save_text.
*"----------------------------------------------------------------------
*" arbots: append (or replace) a long text, remote-enabled.
*" Function group ZARBOTS, processing type "Remote-Enabled Module".
*"
*" SAVE_TEXT is not remote-enabled; this wrapper is. arbots writes account
*" notes to the customer's text (object KNB1, name = customer number with
*" leading zeros + company code, ID 0001) and document notes to the
*" accounting document's text (object BELEG, name = company code +
*" document number + fiscal year). No other text object is accepted (027),
*" a name must have its object's layout (028), and the caller needs change
*" authorisation for the company code: F_KNA1_BUK (KNB1) or F_BKPF_BUK
*" (BELEG), ACTVT 02 (else 022). Each note starts with a line
*"   arbots NOTE-<idempotency key, upper case> <date> <kind>
*" so that a rerun finds it with Z_ARBOTS_READ_TEXT before writing again.
*"
*" LUW: the text goes through the text memory and is written to the
*" database by COMMIT_TEXT in update task, i.e. at COMMIT WORK
*" (BAPI_TRANSACTION_COMMIT). Nothing is written if the caller rolls back.
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(I_TDOBJECT) TYPE  TDOBJECT
*"     VALUE(I_TDNAME) TYPE  TDOBNAME
*"     VALUE(I_TDID) TYPE  TDID
*"     VALUE(I_TDSPRAS) TYPE  SPRAS DEFAULT 'E'
*"     VALUE(I_APPEND) TYPE  CHAR1 DEFAULT 'X'
*"  TABLES
*"      T_LINES STRUCTURE  TLINE
*"      RETURN STRUCTURE  BAPIRET2
*"----------------------------------------------------------------------
  DATA: ls_header TYPE thead,
        lt_all    TYPE STANDARD TABLE OF tline.

  CLEAR return[].

  IF i_tdobject IS INITIAL OR i_tdname IS INITIAL OR i_tdid IS INITIAL.
    PERFORM add_message TABLES return USING 'E' '026' space space space.
    RETURN.
  ENDIF.
  PERFORM check_text_authority TABLES return USING i_tdobject i_tdname '02'.
  IF return[] IS NOT INITIAL.
    RETURN.
  ENDIF.

  IF i_append = 'X'.
    CALL FUNCTION 'READ_TEXT'
      EXPORTING
        id        = i_tdid
        language  = i_tdspras
        name      = i_tdname
        object    = i_tdobject
      TABLES
        lines     = lt_all
      EXCEPTIONS
        not_found = 1
        OTHERS    = 2.
    IF sy-subrc > 1.
      PERFORM add_sy_message TABLES return.
      RETURN.
    ENDIF.
  ENDIF.
  APPEND LINES OF t_lines TO lt_all.

  ls_header-tdobject = i_tdobject.
  ls_header-tdname   = i_tdname.
  ls_header-tdid     = i_tdid.
  ls_header-tdspras  = i_tdspras.

  CALL FUNCTION 'SAVE_TEXT'
    EXPORTING
      header          = ls_header
      savemode_direct = space          " text memory; written by COMMIT_TEXT below
    TABLES
      lines           = lt_all
    EXCEPTIONS
      id              = 1
      language        = 2
      name            = 3
      object          = 4
      OTHERS          = 5.
  IF sy-subrc <> 0.
    PERFORM add_sy_message TABLES return.
    RETURN.
  ENDIF.

* Register the database update for COMMIT WORK (no direct write).
  CALL FUNCTION 'COMMIT_TEXT'
    EXPORTING
      object          = i_tdobject
      name            = i_tdname
      id              = i_tdid
      language        = i_tdspras
      savemode_direct = space.

  PERFORM add_message TABLES return USING 'S' '021' i_tdname space space.
ENDFUNCTION.
