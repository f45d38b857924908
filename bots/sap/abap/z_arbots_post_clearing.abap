FUNCTION z_arbots_post_clearing.
*"----------------------------------------------------------------------
*" arbots: incoming payment with clearing (FB05), remote-enabled and
*" idempotent. Function group ZARBOTS, "Remote-Enabled Module".
*"
*" 1. If a document of the company code carries the call's reference
*"    (BKPF-XBLNR = I_HEADER-XBLNR, arbots' idempotency key) and is not
*"    reversed, return it (E_EXISTING = 'X') and post nothing.
*" 2. Check the procedure (I_HEADER-AUGLV: EINGZAHL incoming payment, the
*"    default; UMBUCHNG transfer posting with clearing: no bank line, payment
*"    0) and the posting period (FI_PERIOD_CHECK; 041 names period and year).
*" 3. Check the items: open in BSID, in the payment currency, and per item
*"    applied + discount + write-off (needs RSTGR) + residuals = open amount;
*"    residuals only for items cleared here. Part payments (T_PARTIAL): an
*"    open item not cleared here, less than its open amount, same sign.
*"    Payments on account (T_ONACCOUNT): a customer of the company code.
*"    Sum applied + part payments + on account = payment.
*" 4. Post through the posting interface (POSTING_INTERFACE_START /
*"    _CLEARING with I_AUGLV = EINGZAHL or UMBUCHNG, I_TCODE = 'FB05' / _END):
*"    bank line (posting key 40; not for UMBUCHNG), cash discount (40, account
*"    from TVARVC ZARBOTS_DISCOUNT_ACCOUNT), write-offs (40, account from
*"    TVARVC ZARBOTS_WRITEOFF_ACCOUNT, RSTGR), one customer line per residual
*"    (posting key 01/11, REBZG/REBZJ/REBZZ = the invoice, RSTGR), per part
*"    payment (15, REBZG = the invoice, REBZT = 'Z': the invoice stays open)
*"    and per payment on account (15, no REBZG), and the items to clear
*"    (FTCLEAR).
*"
*" Amounts are external (BAPI style, DEC 23,4) and signed: positive means
*" the customer owed it. Errors come back in RETURN (type E), never as
*" exceptions, and then nothing was posted.
*"
*" LUW: FB05 run by the posting interface commits its own document
*" (CALL TRANSACTION ... UPDATE 'S'); BAPI_TRANSACTION_ROLLBACK cannot undo
*" it. The reference check in step 1 is what makes a rerun safe. (The arbots
*" sandbox keeps the posting in the LUW until BAPI_TRANSACTION_COMMIT, which
*" is stricter for the caller, who commits in both cases.)
*"
*" Dictionary objects (SE11), all fields as named in the structure:
*"   ZARBOTS_CLR_HEADER:   BUKRS BUKRS, BLART BLART, BLDAT BLDAT, BUDAT BUDAT,
*"                         WAERS WAERS, XBLNR XBLNR1, BKTXT BKTXT, AUGLV AUGLV
*"   ZARBOTS_CLR_PAYMENT:  KUNNR KUNNR, WRBTR BAPIWRBTR, HKONT HKONT,
*"                         VALUT VALUT, SGTXT SGTXT
*"   ZARBOTS_CLR_ITEM:     KUNNR KUNNR, BELNR BELNR_D, GJAHR GJAHR, BUZEI BUZEI,
*"                         WRBTR BAPIWRBTR, WSKTO BAPIWRBTR, WOFF BAPIWRBTR,
*"                         RSTGR RSTGR
*"   ZARBOTS_CLR_RESIDUAL: BELNR BELNR_D, GJAHR GJAHR, BUZEI BUZEI,
*"                         WRBTR BAPIWRBTR, RSTGR RSTGR, SGTXT SGTXT
*"   ZARBOTS_CLR_PARTIAL:  KUNNR KUNNR, BELNR BELNR_D, GJAHR GJAHR, BUZEI BUZEI,
*"                         WRBTR BAPIWRBTR, RSTGR RSTGR, SGTXT SGTXT
*"   ZARBOTS_CLR_ONACCT:   KUNNR KUNNR, WRBTR BAPIWRBTR, RSTGR RSTGR,
*"                         ZUONR DZUONR, SGTXT SGTXT
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(I_HEADER) TYPE  ZARBOTS_CLR_HEADER
*"     VALUE(I_PAYMENT) TYPE  ZARBOTS_CLR_PAYMENT
*"  EXPORTING
*"     VALUE(E_BELNR) TYPE  BELNR_D
*"     VALUE(E_GJAHR) TYPE  GJAHR
*"     VALUE(E_EXISTING) TYPE  CHAR1
*"  TABLES
*"      T_CLEAR STRUCTURE  ZARBOTS_CLR_ITEM
*"      T_RESIDUAL STRUCTURE  ZARBOTS_CLR_RESIDUAL OPTIONAL
*"      T_PARTIAL STRUCTURE  ZARBOTS_CLR_PARTIAL OPTIONAL
*"      T_ONACCOUNT STRUCTURE  ZARBOTS_CLR_ONACCT OPTIONAL
*"      RETURN STRUCTURE  BAPIRET2
*"----------------------------------------------------------------------
  TYPES: BEGIN OF ty_open,
           kunnr TYPE kunnr, belnr TYPE belnr_d, gjahr TYPE gjahr, buzei TYPE buzei,
           waers TYPE waers, shkzg TYPE shkzg, wrbtr TYPE wrbtr, umskz TYPE umskz,
         END OF ty_open.
  DATA: lt_ftpost  TYPE STANDARD TABLE OF ftpost,
        lt_ftclear TYPE STANDARD TABLE OF ftclear,
        lt_fttax   TYPE STANDARD TABLE OF fttax,
        lt_blntab  TYPE STANDARD TABLE OF blntab,
        ls_ftclear TYPE ftclear,
        ls_blntab  TYPE blntab,
        ls_open    TYPE ty_open,
        ls_return  TYPE bapiret2,
        lv_open    TYPE bapiwrbtr,
        lv_check   TYPE bapiwrbtr,
        lv_applied TYPE bapiwrbtr,
        lv_disc    TYPE bapiwrbtr,
        lv_woff    TYPE bapiwrbtr,
        lv_amount  TYPE bapiwrbtr,
        lv_bschl   TYPE bschl,
        lv_blart   TYPE blart,
        lv_auglv   TYPE auglv,
        lv_monat   TYPE monat,
        lv_gjahr   TYPE gjahr,
        lv_count   TYPE count_pi VALUE 1,
        lv_account TYPE hkont,
        lv_augbl   TYPE augbl,
        lv_msgid   TYPE sy-msgid, lv_msgno TYPE sy-msgno, lv_msgty TYPE sy-msgty,
        lv_msgv1   TYPE sy-msgv1, lv_msgv2 TYPE sy-msgv2,
        lv_msgv3   TYPE sy-msgv3, lv_msgv4 TYPE sy-msgv4,
        lv_subrc   TYPE sy-subrc.

  CLEAR: e_belnr, e_gjahr, e_existing, return[].

* --- 1. idempotency: the reference is already posted ------------------
  SELECT belnr, gjahr FROM bkpf
    WHERE bukrs = @i_header-bukrs AND xblnr = @i_header-xblnr AND stblg = @space
    ORDER BY gjahr, belnr
    INTO (@e_belnr, @e_gjahr) UP TO 1 ROWS.
  ENDSELECT.
  IF sy-subrc = 0 AND i_header-xblnr IS NOT INITIAL.
    e_existing = 'X'.
    PERFORM add_message TABLES return USING 'W' '002' i_header-xblnr e_belnr e_gjahr.
    RETURN.
  ENDIF.

* --- 2. checks ------------------------------------------------------------
  IF i_header-xblnr IS INITIAL.
    PERFORM add_message TABLES return USING 'E' '010' space space space.
    RETURN.
  ENDIF.
  IF t_clear[] IS INITIAL AND t_partial[] IS INITIAL AND t_onaccount[] IS INITIAL.
    PERFORM add_message TABLES return USING 'E' '011' space space space.
    RETURN.
  ENDIF.
  lv_auglv = COND #( WHEN i_header-auglv IS INITIAL THEN 'EINGZAHL' ELSE i_header-auglv ).
  IF lv_auglv <> 'EINGZAHL' AND lv_auglv <> 'UMBUCHNG'.
    PERFORM add_message TABLES return USING 'E' '042' lv_auglv space space.
    RETURN.
  ENDIF.
  IF lv_auglv = 'UMBUCHNG' AND ( i_payment-wrbtr <> 0 OR i_payment-hkont IS NOT INITIAL ).
    PERFORM add_message TABLES return USING 'E' '042' lv_auglv space space.
    RETURN.
  ENDIF.
* posting period open (OB52) for customers in the company code
  CALL FUNCTION 'FI_PERIOD_DETERMINE'
    EXPORTING
      i_budat        = i_header-budat
      i_bukrs        = i_header-bukrs
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
        i_bukrs          = i_header-bukrs
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
    PERFORM add_message TABLES return USING 'E' '041' lv_monat lv_gjahr i_header-bukrs.
    RETURN.
  ENDIF.
  AUTHORITY-CHECK OBJECT 'F_BKPF_BUK'
    ID 'BUKRS' FIELD i_header-bukrs
    ID 'ACTVT' FIELD '01'.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '024' i_header-bukrs space space.
    RETURN.
  ENDIF.

  LOOP AT t_clear INTO DATA(ls_clear).
    SELECT SINGLE kunnr, belnr, gjahr, buzei, waers, shkzg, wrbtr, umskz FROM bsid
      WHERE bukrs = @i_header-bukrs AND kunnr = @ls_clear-kunnr
        AND belnr = @ls_clear-belnr AND gjahr = @ls_clear-gjahr
        AND buzei = @ls_clear-buzei
      INTO CORRESPONDING FIELDS OF @ls_open.
    IF sy-subrc <> 0.
      SELECT SINGLE augbl FROM bsad
        WHERE bukrs = @i_header-bukrs AND kunnr = @ls_clear-kunnr
          AND belnr = @ls_clear-belnr AND gjahr = @ls_clear-gjahr
          AND buzei = @ls_clear-buzei
        INTO @lv_augbl.
      IF sy-subrc = 0.
        PERFORM add_message TABLES return USING 'E' '014' ls_clear-belnr lv_augbl space.
      ELSE.
        PERFORM add_message TABLES return USING 'E' '015' ls_clear-belnr i_header-bukrs
                                                space.
      ENDIF.
      RETURN.
    ENDIF.
    IF ls_open-umskz IS NOT INITIAL.
      PERFORM add_message TABLES return USING 'E' '016' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    IF ls_open-waers <> i_header-waers.
      PERFORM add_message TABLES return USING 'E' '017' ls_clear-belnr ls_open-waers
                                              i_header-waers.
      RETURN.
    ENDIF.
*   open amount, external and signed
    CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_EXTERNAL'
      EXPORTING currency = ls_open-waers amount_internal = ls_open-wrbtr
      IMPORTING amount_external = lv_open.
    IF ls_open-shkzg = 'H'.
      lv_open = - lv_open.
    ENDIF.
    IF ls_clear-woff <> 0 AND ls_clear-rstgr IS INITIAL.
      PERFORM add_message TABLES return USING 'E' '043' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    lv_check = ls_clear-wrbtr + ls_clear-wskto + ls_clear-woff.
    LOOP AT t_residual INTO DATA(ls_res) WHERE belnr = ls_clear-belnr
                                          AND gjahr = ls_clear-gjahr
                                          AND buzei = ls_clear-buzei.
      lv_check = lv_check + ls_res-wrbtr.
    ENDLOOP.
    IF lv_check <> lv_open.
      PERFORM add_message TABLES return USING 'E' '018' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_clear-wrbtr.
    lv_disc = lv_disc + ls_clear-wskto.
    lv_woff = lv_woff + ls_clear-woff.

    CLEAR ls_ftclear.
    ls_ftclear-agkoa  = 'D'.
    ls_ftclear-agkon  = ls_clear-kunnr.
    ls_ftclear-agbuk  = i_header-bukrs.
    ls_ftclear-xnops  = 'X'.
    ls_ftclear-selfd  = 'BELNR'.
*   document number, fiscal year and line item in one selection value
    ls_ftclear-selvon = |{ ls_clear-belnr }{ ls_clear-gjahr }{ ls_clear-buzei }|.
    APPEND ls_ftclear TO lt_ftclear.
  ENDLOOP.
* part payments: the item stays open; less than its open amount, same sign
  LOOP AT t_partial INTO DATA(ls_part).
    READ TABLE t_clear TRANSPORTING NO FIELDS WITH KEY belnr = ls_part-belnr
                                                       gjahr = ls_part-gjahr
                                                       buzei = ls_part-buzei.
    IF sy-subrc = 0.
      PERFORM add_message TABLES return USING 'E' '046' ls_part-belnr space space.
      RETURN.
    ENDIF.
    SELECT SINGLE kunnr, belnr, gjahr, buzei, waers, shkzg, wrbtr, umskz FROM bsid
      WHERE bukrs = @i_header-bukrs AND kunnr = @ls_part-kunnr
        AND belnr = @ls_part-belnr AND gjahr = @ls_part-gjahr
        AND buzei = @ls_part-buzei
      INTO CORRESPONDING FIELDS OF @ls_open.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '015' ls_part-belnr i_header-bukrs space.
      RETURN.
    ENDIF.
    IF ls_open-umskz IS NOT INITIAL OR ls_open-waers <> i_header-waers.
      PERFORM add_message TABLES return USING 'E' '017' ls_part-belnr ls_open-waers
                                              i_header-waers.
      RETURN.
    ENDIF.
    CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_EXTERNAL'
      EXPORTING currency = ls_open-waers amount_internal = ls_open-wrbtr
      IMPORTING amount_external = lv_open.
    IF ls_open-shkzg = 'H'.
      lv_open = - lv_open.
    ENDIF.
    IF ls_part-wrbtr = 0 OR abs( ls_part-wrbtr ) >= abs( lv_open )
       OR xsdbool( ls_part-wrbtr > 0 ) <> xsdbool( lv_open > 0 ).
      PERFORM add_message TABLES return USING 'E' '047' ls_part-wrbtr ls_part-belnr space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_part-wrbtr.
  ENDLOOP.
* payments on account: a customer of the company code
  LOOP AT t_onaccount INTO DATA(ls_acct).
    SELECT SINGLE kunnr FROM knb1
      WHERE kunnr = @ls_acct-kunnr AND bukrs = @i_header-bukrs
      INTO @DATA(lv_kunnr).
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '048' ls_acct-kunnr i_header-bukrs space.
      RETURN.
    ENDIF.
    IF ls_acct-wrbtr = 0.
      PERFORM add_message TABLES return USING 'E' '049' lv_kunnr space space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_acct-wrbtr.
  ENDLOOP.
  IF lv_applied <> i_payment-wrbtr.
    PERFORM add_message TABLES return USING 'E' '020' space space space.
    RETURN.
  ENDIF.

* --- 3. post -------------------------------------------------------------
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BUKRS' i_header-bukrs.
* PERFORM takes data objects only: expressions go through variables first
  lv_blart = COND #( WHEN i_header-blart IS INITIAL THEN 'DZ' ELSE i_header-blart ).
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BLART' lv_blart.
  PERFORM add_date  TABLES lt_ftpost USING 'K' 1 'BKPF-BLDAT' i_header-bldat.
  PERFORM add_date  TABLES lt_ftpost USING 'K' 1 'BKPF-BUDAT' i_header-budat.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-WAERS' i_header-waers.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-XBLNR' i_header-xblnr.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BKTXT' i_header-bktxt.

* bank line (a transfer posting has none)
  IF lv_auglv = 'EINGZAHL'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' '40'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' i_payment-hkont.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' i_payment-wrbtr
                                              i_header-waers.
    PERFORM add_date   TABLES lt_ftpost USING 'P' lv_count 'BSEG-VALUT' i_payment-valut.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' i_payment-sgtxt.
  ELSE.
    lv_count = 0.
  ENDIF.

* cash discount granted, to the account maintained in TVARVC
  IF lv_disc <> 0.
    SELECT SINGLE low FROM tvarvc WHERE name = 'ZARBOTS_DISCOUNT_ACCOUNT' AND type = 'P'
      INTO @lv_account.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '025' 'ZARBOTS_DISCOUNT_ACCOUNT' space
                                              space.
      RETURN.
    ENDIF.
    lv_count = lv_count + 1.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' '40'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' lv_account.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_disc
                                              i_header-waers.
  ENDIF.

* write-offs within the limit, to the account in TVARVC, with their reason code
  IF lv_woff <> 0.
    SELECT SINGLE low FROM tvarvc WHERE name = 'ZARBOTS_WRITEOFF_ACCOUNT' AND type = 'P'
      INTO @lv_account.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '025' 'ZARBOTS_WRITEOFF_ACCOUNT' space
                                              space.
      RETURN.
    ENDIF.
    LOOP AT t_clear INTO ls_clear WHERE woff <> 0.
      lv_count = lv_count + 1.
      lv_bschl = COND #( WHEN ls_clear-woff > 0 THEN '40' ELSE '50' ).
      lv_amount = abs( ls_clear-woff ).
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' lv_account.
      PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              i_header-waers.
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_clear-rstgr.
    ENDLOOP.
  ENDIF.

* part payments: customer credit lines tied to the invoice, which stays open
  LOOP AT t_partial INTO ls_part.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_part-wrbtr > 0 THEN '15' ELSE '05' ).
    lv_amount = abs( ls_part-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_part-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              i_header-waers.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZG' ls_part-belnr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZJ' ls_part-gjahr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZZ' ls_part-buzei.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZT' 'Z'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_part-rstgr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ls_part-sgtxt.
  ENDLOOP.

* payments on account: customer credit lines tied to no invoice
  LOOP AT t_onaccount INTO ls_acct.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_acct-wrbtr > 0 THEN '15' ELSE '05' ).
    lv_amount = abs( ls_acct-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_acct-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              i_header-waers.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-ZUONR' ls_acct-zuonr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_acct-rstgr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ls_acct-sgtxt.
  ENDLOOP.

* residual items: new customer items linked to their invoice
  LOOP AT t_residual INTO ls_res.
    READ TABLE t_clear INTO ls_clear WITH KEY belnr = ls_res-belnr gjahr = ls_res-gjahr
                                              buzei = ls_res-buzei.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES return USING 'E' '019' ls_res-belnr space space.
      RETURN.
    ENDIF.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_res-wrbtr > 0 THEN '01' ELSE '11' ).
    lv_amount = abs( ls_res-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_clear-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              i_header-waers.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZG' ls_res-belnr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZJ' ls_res-gjahr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZZ' ls_res-buzei.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_res-rstgr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ls_res-sgtxt.
  ENDLOOP.

  CALL FUNCTION 'POSTING_INTERFACE_START'
    EXPORTING
      i_function         = 'C'          " call transaction
      i_mode             = 'N'          " no screens
      i_update           = 'S'          " synchronous update
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

  CALL FUNCTION 'POSTING_INTERFACE_CLEARING'
    EXPORTING
      i_auglv                    = lv_auglv
      i_tcode                    = 'FB05'
      i_sgfunct                  = 'C'
    IMPORTING
      e_msgid                    = lv_msgid
      e_msgno                    = lv_msgno
      e_msgty                    = lv_msgty
      e_msgv1                    = lv_msgv1
      e_msgv2                    = lv_msgv2
      e_msgv3                    = lv_msgv3
      e_msgv4                    = lv_msgv4
      e_subrc                    = lv_subrc
    TABLES
      t_blntab                   = lt_blntab
      t_ftclear                  = lt_ftclear
      t_ftpost                   = lt_ftpost
      t_fttax                    = lt_fttax
    EXCEPTIONS
      clearing_procedure_invalid = 1
      clearing_procedure_missing = 2
      table_t041a_empty          = 3
      transaction_code_invalid   = 4
      amount_format_error        = 5
      too_many_line_items        = 6
      company_code_invalid       = 7
      screen_not_found           = 8
      no_authorization           = 9
      OTHERS                     = 10.
  IF sy-subrc <> 0.
    PERFORM add_sy_message TABLES return.
  ENDIF.

  CALL FUNCTION 'POSTING_INTERFACE_END'
    EXCEPTIONS
      session_not_processable = 1
      OTHERS                  = 2.

  READ TABLE lt_blntab INTO ls_blntab INDEX 1.
  IF return[] IS INITIAL AND lv_subrc = 0 AND sy-subrc = 0.
    e_belnr = ls_blntab-belnr.
    e_gjahr = ls_blntab-gjahr.
    PERFORM add_message TABLES return USING 'S' '001' e_belnr i_header-bukrs e_gjahr.
  ELSEIF return[] IS INITIAL.
    ls_return-type = 'E'. ls_return-id = lv_msgid. ls_return-number = lv_msgno.
    ls_return-message_v1 = lv_msgv1. ls_return-message_v2 = lv_msgv2.
    ls_return-message_v3 = lv_msgv3. ls_return-message_v4 = lv_msgv4.
    MESSAGE ID lv_msgid TYPE 'S' NUMBER lv_msgno
      WITH lv_msgv1 lv_msgv2 lv_msgv3 lv_msgv4 INTO ls_return-message.
    APPEND ls_return TO return.
  ENDIF.
ENDFUNCTION.

*----------------------------------------------------------------------*
* Helpers (put them in the function group's F01 include, LZARBOTSF01). *
* Message class ZARBOTS (SE91): 001 Document &1 was posted in company  *
* code &2; 002 Reference &1 already posted as document &2 &3; 010 The  *
* reference (XBLNR) is required; 011 No items to clear; 014 Item &1 is *
* already cleared by document &2; 015 Item &1 does not exist in        *
* company code &2; 016 Item &1 is a special G/L item; 017 Item &1 is   *
* in &2, the payment in &3; 018 Item &1: applied + discount +         *
* write-off + residual do not equal the open amount; 019 Residual for &1, which is not      *
* among the items cleared; 020 Payment does not balance the amounts    *
* applied; 041 Posting period &1 &2 is not open in company code &3;    *
* 042 Clearing procedure &1 is not supported (EINGZAHL with a bank     *
* line, UMBUCHNG without); 043 Item &1: a write-off needs a reason     *
* code; 024 No authorisation to post in &1; 025 TVARVC parameter &1    *
* (ZARBOTS_DISCOUNT_ACCOUNT / ZARBOTS_WRITEOFF_ACCOUNT) is missing;    *
* 046 Item &1 is listed twice (cleared or part-paid); 047 Part payment *
* &1 of item &2 must be less than its open amount, same direction;     *
* 048 Customer &1 is not in company code &2; 049 Payment on account    *
* of &1 has no amount.                                                 *
*----------------------------------------------------------------------*
FORM add_message TABLES pt_return STRUCTURE bapiret2
                 USING pv_type TYPE c pv_number TYPE c pv_v1 TYPE any pv_v2 TYPE any
                       pv_v3 TYPE any.
  DATA ls_return TYPE bapiret2.
  ls_return-type = pv_type. ls_return-id = 'ZARBOTS'. ls_return-number = pv_number.
  ls_return-message_v1 = pv_v1. ls_return-message_v2 = pv_v2.
  ls_return-message_v3 = pv_v3.
  MESSAGE ID 'ZARBOTS' TYPE 'S' NUMBER pv_number WITH pv_v1 pv_v2 pv_v3
    INTO ls_return-message.
  APPEND ls_return TO pt_return.
ENDFORM.

FORM add_sy_message TABLES pt_return STRUCTURE bapiret2.
  DATA ls_return TYPE bapiret2.
  ls_return-type = 'E'. ls_return-id = sy-msgid. ls_return-number = sy-msgno.
  ls_return-message_v1 = sy-msgv1. ls_return-message_v2 = sy-msgv2.
  ls_return-message_v3 = sy-msgv3. ls_return-message_v4 = sy-msgv4.
  MESSAGE ID sy-msgid TYPE 'S' NUMBER sy-msgno
    WITH sy-msgv1 sy-msgv2 sy-msgv3 sy-msgv4 INTO ls_return-message.
  APPEND ls_return TO pt_return.
ENDFORM.

FORM add_field TABLES pt_ftpost STRUCTURE ftpost
               USING pv_stype TYPE c pv_count TYPE count_pi pv_fnam TYPE c pv_fval TYPE any.
  DATA ls_ftpost TYPE ftpost.
  ls_ftpost-stype = pv_stype. ls_ftpost-count = pv_count.
  ls_ftpost-fnam = pv_fnam. ls_ftpost-fval = pv_fval.
  APPEND ls_ftpost TO pt_ftpost.
ENDFORM.

* Dates and amounts go into FTPOST in the user's external format.
FORM add_date TABLES pt_ftpost STRUCTURE ftpost
              USING pv_stype TYPE c pv_count TYPE count_pi pv_fnam TYPE c pv_date TYPE d.
  DATA lv_text TYPE ftpost-fval.
  WRITE pv_date TO lv_text.
  PERFORM add_field TABLES pt_ftpost USING pv_stype pv_count pv_fnam lv_text.
ENDFORM.

FORM add_amount TABLES pt_ftpost STRUCTURE ftpost
                USING pv_stype TYPE c pv_count TYPE count_pi pv_fnam TYPE c
                      pv_amount TYPE bapiwrbtr pv_waers TYPE waers.
  DATA: lv_internal TYPE wrbtr,
        lv_text     TYPE ftpost-fval.
  CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_INTERNAL'
    EXPORTING currency = pv_waers amount_external = pv_amount max_number_of_digits = 23
    IMPORTING amount_internal = lv_internal.
  WRITE lv_internal TO lv_text CURRENCY pv_waers NO-GROUPING LEFT-JUSTIFIED.
  PERFORM add_field TABLES pt_ftpost USING pv_stype pv_count pv_fnam lv_text.
ENDFORM.
