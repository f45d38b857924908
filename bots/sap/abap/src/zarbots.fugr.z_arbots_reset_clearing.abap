FUNCTION z_arbots_reset_clearing.
*"----------------------------------------------------------------------
*" arbots: reset a clearing (FBRA) and optionally reverse the clearing
*" document (FB08), remote-enabled and idempotent by state. Function group
*" ZARBOTS, "Remote-Enabled Module".
*"
*" 1. The document I_AUGBL / I_GJAHR must exist in I_BUKRS (else 050). If it
*"    is reversed already (BKPF-STBLG), return the reversal in E_STBLG with
*"    E_EXISTING = 'X' and change nothing.
*" 2. The items it cleared (BSAD: AUGBL = the document, AUGDT = its posting
*"    date) come back in T_REOPENED. None, and no reversal asked: the
*"    clearing was reset before; E_EXISTING = 'X' (message 052).
*" 3. With I_REVERSE = 'X': the reversal's posting date (I_BUDAT, initial:
*"    today) must be in an open period (041), and no customer item of the
*"    document may be cleared by another document (053: reset that first).
*" 4. Reset through the posting interface (POSTING_INTERFACE_RESET_CLEAR,
*"    transaction FBRA): the cleared items are open again. Then, with
*"    I_REVERSE, reverse the document (POSTING_INTERFACE_REVERSE_DOC,
*"    transaction FB08, reason I_STGRD, date I_BUDAT).
*"
*" Errors come back in RETURN (type E), never as exceptions. As with
*" Z_ARBOTS_POST_CLEARING, the posting interface commits its own work
*" (BAPI_TRANSACTION_ROLLBACK cannot undo it); the caller calls
*" BAPI_TRANSACTION_COMMIT in any case. Messages: class ZARBOTS.
*"
*" Dictionary objects (SE11):
*"   ZARBOTS_RST_ITEM: KUNNR KUNNR, BELNR BELNR_D, GJAHR GJAHR, BUZEI BUZEI
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(I_BUKRS) TYPE  BUKRS
*"     VALUE(I_AUGBL) TYPE  AUGBL
*"     VALUE(I_GJAHR) TYPE  GJAHR
*"     VALUE(I_REVERSE) TYPE  CHAR1 DEFAULT SPACE
*"     VALUE(I_STGRD) TYPE  STGRD DEFAULT '01'
*"     VALUE(I_BUDAT) TYPE  BUDAT OPTIONAL
*"  EXPORTING
*"     VALUE(E_STBLG) TYPE  STBLG
*"     VALUE(E_EXISTING) TYPE  CHAR1
*"  TABLES
*"      T_REOPENED STRUCTURE  ZARBOTS_RST_ITEM OPTIONAL
*"      RETURN STRUCTURE  BAPIRET2
*"----------------------------------------------------------------------
  DATA: lt_blntab TYPE STANDARD TABLE OF blntab,
        lt_ftpost TYPE STANDARD TABLE OF ftpost,
        ls_blntab TYPE blntab,
        lv_budat  TYPE budat,
        lv_stblg  TYPE stblg,
        lv_gjahr  TYPE gjahr,
        lv_monat  TYPE monat,
        lv_msgid  TYPE sy-msgid, lv_msgno TYPE sy-msgno, lv_msgty TYPE sy-msgty,
        lv_msgv1  TYPE sy-msgv1, lv_msgv2 TYPE sy-msgv2,
        lv_msgv3  TYPE sy-msgv3, lv_msgv4 TYPE sy-msgv4,
        lv_subrc  TYPE sy-subrc,
        lv_date   TYPE budat.

  CLEAR: e_stblg, e_existing, t_reopened[], return[].

* --- 1. the document --------------------------------------------------
  SELECT SINGLE budat, stblg FROM bkpf
    WHERE bukrs = @i_bukrs AND belnr = @i_augbl AND gjahr = @i_gjahr
    INTO (@lv_budat, @lv_stblg).
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '050' i_augbl i_gjahr i_bukrs.
    RETURN.
  ENDIF.
  IF lv_stblg IS NOT INITIAL.
    e_stblg = lv_stblg.
    e_existing = 'X'.
    PERFORM add_message TABLES return USING 'W' '052' i_augbl i_gjahr lv_stblg.
    RETURN.
  ENDIF.
  AUTHORITY-CHECK OBJECT 'F_BKPF_BUK'
    ID 'BUKRS' FIELD i_bukrs
    ID 'ACTVT' FIELD '02'.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '024' i_bukrs space space.
    RETURN.
  ENDIF.

* --- 2. what it cleared ------------------------------------------------
  SELECT kunnr, belnr, gjahr, buzei FROM bsad
    WHERE bukrs = @i_bukrs AND augbl = @i_augbl AND augdt = @lv_budat
    ORDER BY kunnr, gjahr, belnr, buzei
    INTO CORRESPONDING FIELDS OF TABLE @t_reopened.
  IF t_reopened[] IS INITIAL AND i_reverse IS INITIAL.
    e_existing = 'X'.
    PERFORM add_message TABLES return USING 'W' '052' i_augbl i_gjahr space.
    RETURN.
  ENDIF.

* --- 3. checks for the reversal ------------------------------------------
  IF i_reverse = 'X'.
    lv_date = COND #( WHEN i_budat IS INITIAL THEN sy-datum ELSE i_budat ).
    CALL FUNCTION 'FI_PERIOD_DETERMINE'
      EXPORTING
        i_budat        = lv_date
        i_bukrs        = i_bukrs
      IMPORTING
        e_gjahr        = lv_gjahr
        e_monat        = lv_monat
      EXCEPTIONS
        fiscal_year    = 1
        period         = 2
        period_version = 3
        posting_period = 4
        special_period = 5
        version        = 6
        posting_date   = 7
        OTHERS         = 8.
    IF sy-subrc = 0.
      CALL FUNCTION 'FI_PERIOD_CHECK'
        EXPORTING
          i_bukrs          = i_bukrs
          i_gjahr          = lv_gjahr
          i_koart          = 'D'
          i_monat          = lv_monat
        EXCEPTIONS
          error_period     = 1
          error_period_acc = 2
          invalid_input    = 3
          OTHERS           = 4.
    ENDIF.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '041' lv_monat lv_gjahr i_bukrs.
      RETURN.
    ENDIF.
    SELECT SINGLE buzei, augbl FROM bsad
      WHERE bukrs = @i_bukrs AND belnr = @i_augbl AND gjahr = @i_gjahr
        AND augbl <> @i_augbl
      INTO @DATA(ls_elsewhere).
    IF sy-subrc = 0.
      PERFORM add_message TABLES return USING 'E' '053' i_augbl ls_elsewhere-buzei
                                              ls_elsewhere-augbl.
      RETURN.
    ENDIF.
  ENDIF.

* --- 4. reset, then reverse --------------------------------------------------
  CALL FUNCTION 'POSTING_INTERFACE_START'
    EXPORTING
      i_function         = 'C'
      i_mode             = 'N'
      i_update           = 'S'
      i_user             = sy-uname
    EXCEPTIONS
      client_incorrect   = 1
      function_invalid   = 2
      group_name_missing = 3
      mode_invalid       = 4
      update_invalid     = 5
      OTHERS             = 6.
  IF sy-subrc <> 0.
    PERFORM add_sy_message TABLES return.
    RETURN.
  ENDIF.

  IF t_reopened[] IS NOT INITIAL.
    CALL FUNCTION 'POSTING_INTERFACE_RESET_CLEAR'
      EXPORTING
        i_augbl                  = i_augbl
        i_bukrs                  = i_bukrs
        i_gjahr                  = i_gjahr
        i_tcode                  = 'FBRA'
      IMPORTING
        e_msgid                  = lv_msgid
        e_msgno                  = lv_msgno
        e_msgty                  = lv_msgty
        e_msgv1                  = lv_msgv1
        e_msgv2                  = lv_msgv2
        e_msgv3                  = lv_msgv3
        e_msgv4                  = lv_msgv4
        e_subrc                  = lv_subrc
      EXCEPTIONS
        transaction_code_invalid = 1
        no_authorization         = 2
        OTHERS                   = 3.
    IF sy-subrc <> 0 OR lv_subrc <> 0.
      PERFORM add_interface_message TABLES return
        USING lv_msgid lv_msgno lv_msgv1 lv_msgv2 lv_msgv3 lv_msgv4.
      CALL FUNCTION 'POSTING_INTERFACE_END'.
      RETURN.
    ENDIF.
  ENDIF.

  IF i_reverse = 'X'.
*   FB08's header fields: reversal reason and posting date
    PERFORM add_field TABLES lt_ftpost USING 'K' 1 'UF05A-STGRD' i_stgrd.
    PERFORM add_date  TABLES lt_ftpost USING 'K' 1 'BSIS-BUDAT' lv_date.
    CALL FUNCTION 'POSTING_INTERFACE_REVERSE_DOC'
      EXPORTING
        i_belns                  = i_augbl
        i_bukrs                  = i_bukrs
        i_gjahs                  = i_gjahr
        i_tcode                  = 'FB08'
      IMPORTING
        e_msgid                  = lv_msgid
        e_msgno                  = lv_msgno
        e_msgty                  = lv_msgty
        e_msgv1                  = lv_msgv1
        e_msgv2                  = lv_msgv2
        e_msgv3                  = lv_msgv3
        e_msgv4                  = lv_msgv4
        e_subrc                  = lv_subrc
      TABLES
        t_blntab                 = lt_blntab
        t_ftpost                 = lt_ftpost
      EXCEPTIONS
        transaction_code_invalid = 1
        no_authorization         = 2
        OTHERS                   = 3.
    IF sy-subrc <> 0 OR lv_subrc <> 0.
      PERFORM add_interface_message TABLES return
        USING lv_msgid lv_msgno lv_msgv1 lv_msgv2 lv_msgv3 lv_msgv4.
    ELSE.
      READ TABLE lt_blntab INTO ls_blntab INDEX 1.
      e_stblg = ls_blntab-belnr.
    ENDIF.
  ENDIF.

  CALL FUNCTION 'POSTING_INTERFACE_END'
    EXCEPTIONS
      session_not_processable = 1
      OTHERS                  = 2.

  IF return[] IS INITIAL.
    PERFORM add_message TABLES return USING 'S' '051' i_augbl i_gjahr e_stblg.
  ENDIF.
ENDFUNCTION.
