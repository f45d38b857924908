FUNCTION z_arbots_credit_release.
*"----------------------------------------------------------------------
*" arbots: release a sales order blocked for credit, after SAP's own
*" credit re-check. ECC has no BAPI for it (VKM1/VKM3 are transactions).
*" Function group ZARBOTS, processing type "Remote-Enabled Module".
*"
*" Refused (RETURN type E, nothing written): an order that does not
*" exist (060) or is not blocked (061: VBUK-CMGST not B), no release
*" authorisation V_KNKK_FRE for its credit control area (067), or a
*" re-check that leaves it blocked: credit limit exceeded (063) or an
*" overdue item, the "oldest open item" check VBUK-CMPSH (064).
*" An order already released (CMGST D) is no error: E_EXISTING = 'X'
*" and 062, nothing written again. I_TESTRUN = 'X' re-checks only (066).
*" Released: CMGST D, T_LINES appended to the header text VBBK 0001 of
*" the order, 065. Writes in the caller's LUW (SAVE_TEXT text memory and
*" the release in update task): commit with BAPI_TRANSACTION_COMMIT.
*" SD_ORDER_CREDIT_RECHECK / SD_ORDER_CREDIT_RELEASE are the function
*" modules behind VKM1; verify their interface on the target release.
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(I_VBELN) TYPE  VBELN_VA
*"     VALUE(I_TESTRUN) TYPE  CHAR1 DEFAULT SPACE
*"  EXPORTING
*"     VALUE(E_CMGST) TYPE  CMGST
*"     VALUE(E_EXISTING) TYPE  CHAR1
*"  TABLES
*"      T_LINES STRUCTURE  TLINE OPTIONAL
*"      RETURN STRUCTURE  BAPIRET2
*"----------------------------------------------------------------------
  DATA: lv_kkber  TYPE kkber,
        lv_cmgst  TYPE cmgst,
        lv_cmpsh  TYPE cmgst,
        ls_header TYPE thead,
        lt_all    TYPE STANDARD TABLE OF tline.

  CLEAR: return[], e_cmgst, e_existing.

  SELECT SINGLE kkber FROM vbak WHERE vbeln = @i_vbeln INTO @lv_kkber.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '060' i_vbeln space space.
    RETURN.
  ENDIF.
  SELECT SINGLE cmgst FROM vbuk WHERE vbeln = @i_vbeln INTO @e_cmgst.
  IF e_cmgst = 'D'.
    e_existing = 'X'.
    PERFORM add_message TABLES return USING 'S' '062' i_vbeln space space.
    RETURN.
  ELSEIF e_cmgst <> 'B'.
    PERFORM add_message TABLES return USING 'E' '061' i_vbeln e_cmgst space.
    RETURN.
  ENDIF.
  AUTHORITY-CHECK OBJECT 'V_KNKK_FRE'
    ID 'KKBER' FIELD lv_kkber.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '067' i_vbeln lv_kkber space.
    RETURN.
  ENDIF.

  CALL FUNCTION 'SD_ORDER_CREDIT_RECHECK'
    EXPORTING
      vbeln  = i_vbeln
    EXCEPTIONS
      OTHERS = 1.
  IF sy-subrc <> 0.
    PERFORM add_sy_message TABLES return.
    RETURN.
  ENDIF.
  SELECT SINGLE cmgst, cmpsh FROM vbuk WHERE vbeln = @i_vbeln
    INTO (@lv_cmgst, @lv_cmpsh).
  IF lv_cmgst = 'B' OR lv_cmgst = 'C'.
    IF lv_cmpsh = 'B'.
      PERFORM add_message TABLES return USING 'E' '064' i_vbeln space space.
    ELSE.
      PERFORM add_message TABLES return USING 'E' '063' i_vbeln space space.
    ENDIF.
    RETURN.
  ENDIF.
  IF i_testrun = 'X'.
    PERFORM add_message TABLES return USING 'S' '066' i_vbeln space space.
    RETURN.
  ENDIF.

  CALL FUNCTION 'SD_ORDER_CREDIT_RELEASE'
    EXPORTING
      vbeln  = i_vbeln
    EXCEPTIONS
      OTHERS = 1.
  IF sy-subrc <> 0.
    PERFORM add_sy_message TABLES return.
    RETURN.
  ENDIF.
  e_cmgst = 'D'.

  IF t_lines[] IS NOT INITIAL.
    ls_header-tdobject = 'VBBK'.
    ls_header-tdname   = i_vbeln.
    ls_header-tdid     = '0001'.
    ls_header-tdspras  = sy-langu.
    CALL FUNCTION 'READ_TEXT'
      EXPORTING
        id        = ls_header-tdid
        language  = ls_header-tdspras
        name      = ls_header-tdname
        object    = ls_header-tdobject
      TABLES
        lines     = lt_all
      EXCEPTIONS
        not_found = 1
        OTHERS    = 2.
    IF sy-subrc > 1.
      CLEAR lt_all.
    ENDIF.
    APPEND LINES OF t_lines TO lt_all.
    CALL FUNCTION 'SAVE_TEXT'
      EXPORTING
        header          = ls_header
        savemode_direct = space
      TABLES
        lines           = lt_all
      EXCEPTIONS
        OTHERS          = 1.
    IF sy-subrc <> 0.
      PERFORM add_sy_message TABLES return.
      RETURN.
    ENDIF.
    CALL FUNCTION 'COMMIT_TEXT'
      EXPORTING
        object          = ls_header-tdobject
        name            = ls_header-tdname
        id              = ls_header-tdid
        language        = ls_header-tdspras
        savemode_direct = space.
  ENDIF.
  PERFORM add_message TABLES return USING 'S' '065' i_vbeln space space.
ENDFUNCTION.
