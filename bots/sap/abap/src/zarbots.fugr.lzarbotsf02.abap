*----------------------------------------------------------------------*
* Z_ARBOTS_POST_CLEARING, under the lock of its reference: the         *
* reference check, the checks and the posting (FB05 through the        *
* posting interface). Steps as in the function module's header.        *
*----------------------------------------------------------------------*
FORM post_clearing TABLES pt_clear STRUCTURE zarbots_clr_item
                          pt_residual STRUCTURE zarbots_clr_residual
                          pt_partial STRUCTURE zarbots_clr_partial
                          pt_onaccount STRUCTURE zarbots_clr_onacct
                          pt_return STRUCTURE bapiret2
                   USING ps_header TYPE zarbots_clr_header
                         ps_payment TYPE zarbots_clr_payment
                   CHANGING pv_belnr TYPE belnr_d
                            pv_gjahr TYPE gjahr
                            pv_existing TYPE char1.
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
        lv_subrc   TYPE sy-subrc,
        lt_seen    TYPE SORTED TABLE OF zarbots_clr_item WITH UNIQUE KEY belnr gjahr buzei.

* --- 1. idempotency: the reference is already posted ------------------
* By the XBLNR index of BKPF (BUKRS, BSTAT, XBLNR), never by a field
* without an index such as BKTXT.
  SELECT belnr, gjahr FROM bkpf
    WHERE bukrs = @ps_header-bukrs AND bstat = @space AND xblnr = @ps_header-xblnr
      AND stblg = @space
    ORDER BY gjahr, belnr
    INTO (@pv_belnr, @pv_gjahr) UP TO 1 ROWS.
  ENDSELECT.
  IF sy-subrc = 0.
    pv_existing = 'X'.
    PERFORM add_message TABLES pt_return USING 'W' '002' ps_header-xblnr pv_belnr pv_gjahr.
    RETURN.
  ENDIF.

* --- 2. checks ------------------------------------------------------------
  IF pt_clear[] IS INITIAL AND pt_partial[] IS INITIAL AND pt_onaccount[] IS INITIAL.
    PERFORM add_message TABLES pt_return USING 'E' '011' space space space.
    RETURN.
  ENDIF.
  lv_auglv = COND #( WHEN ps_header-auglv IS INITIAL THEN 'EINGZAHL' ELSE ps_header-auglv ).
  IF lv_auglv <> 'EINGZAHL' AND lv_auglv <> 'UMBUCHNG'.
    PERFORM add_message TABLES pt_return USING 'E' '042' lv_auglv space space.
    RETURN.
  ENDIF.
  IF lv_auglv = 'UMBUCHNG' AND ( ps_payment-wrbtr <> 0 OR ps_payment-hkont IS NOT INITIAL ).
    PERFORM add_message TABLES pt_return USING 'E' '042' lv_auglv space space.
    RETURN.
  ENDIF.
  PERFORM check_decimals TABLES pt_return USING 'I_PAYMENT-WRBTR' ps_payment-wrbtr
                                                ps_header-waers.
* posting period open (OB52) for customers in the company code
  CALL FUNCTION 'FI_PERIOD_DETERMINE'
    EXPORTING
      i_budat        = ps_header-budat
      i_bukrs        = ps_header-bukrs
    IMPORTING
      pv_gjahr        = lv_gjahr
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
        i_bukrs          = ps_header-bukrs
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
    PERFORM add_message TABLES pt_return USING 'E' '041' lv_monat lv_gjahr ps_header-bukrs.
    RETURN.
  ENDIF.
  AUTHORITY-CHECK OBJECT 'F_BKPF_BUK'
    ID 'BUKRS' FIELD ps_header-bukrs
    ID 'ACTVT' FIELD '01'.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES pt_return USING 'E' '024' ps_header-bukrs space space.
    RETURN.
  ENDIF.

  LOOP AT pt_clear INTO DATA(ls_clear).
    READ TABLE lt_seen TRANSPORTING NO FIELDS WITH KEY belnr = ls_clear-belnr
                                                       gjahr = ls_clear-gjahr
                                                       buzei = ls_clear-buzei.
    IF sy-subrc = 0.
      PERFORM add_message TABLES pt_return USING 'E' '012' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    INSERT ls_clear INTO TABLE lt_seen.
    SELECT SINGLE kunnr, belnr, gjahr, buzei, waers, shkzg, wrbtr, umskz FROM bsid
      WHERE bukrs = @ps_header-bukrs AND kunnr = @ls_clear-kunnr
        AND belnr = @ls_clear-belnr AND gjahr = @ls_clear-gjahr
        AND buzei = @ls_clear-buzei
      INTO CORRESPONDING FIELDS OF @ls_open.
    IF sy-subrc <> 0.
      SELECT SINGLE augbl FROM bsad
        WHERE bukrs = @ps_header-bukrs AND kunnr = @ls_clear-kunnr
          AND belnr = @ls_clear-belnr AND gjahr = @ls_clear-gjahr
          AND buzei = @ls_clear-buzei
        INTO @lv_augbl.
      IF sy-subrc = 0.
        PERFORM add_message TABLES pt_return USING 'E' '014' ls_clear-belnr lv_augbl space.
      ELSE.
        PERFORM add_message TABLES pt_return USING 'E' '015' ls_clear-belnr ps_header-bukrs
                                                space.
      ENDIF.
      RETURN.
    ENDIF.
    IF ls_open-umskz IS NOT INITIAL.
      PERFORM add_message TABLES pt_return USING 'E' '016' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    IF ls_open-waers <> ps_header-waers.
      PERFORM add_message TABLES pt_return USING 'E' '017' ls_clear-belnr ls_open-waers
                                              ps_header-waers.
      RETURN.
    ENDIF.
*   open amount, external and signed
    CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_EXTERNAL'
      EXPORTING currency = ls_open-waers amount_internal = ls_open-wrbtr
      IMPORTING amount_external = lv_open.
    IF ls_open-shkzg = 'H'.
      lv_open = - lv_open.
    ENDIF.
    PERFORM check_decimals TABLES pt_return USING ls_clear-belnr ls_clear-wrbtr
                                                  ps_header-waers.
    PERFORM check_decimals TABLES pt_return USING ls_clear-belnr ls_clear-wskto
                                                  ps_header-waers.
    PERFORM check_decimals TABLES pt_return USING ls_clear-belnr ls_clear-woff
                                                  ps_header-waers.
    IF pt_return[] IS NOT INITIAL.
      RETURN.
    ENDIF.
    IF ls_clear-woff <> 0 AND ls_clear-rstgr IS INITIAL.
      PERFORM add_message TABLES pt_return USING 'E' '043' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    lv_check = ls_clear-wrbtr + ls_clear-wskto + ls_clear-woff.
    LOOP AT pt_residual INTO DATA(ls_res) WHERE belnr = ls_clear-belnr
                                           AND gjahr = ls_clear-gjahr
                                           AND buzei = ls_clear-buzei.
      PERFORM check_decimals TABLES pt_return USING ls_res-belnr ls_res-wrbtr
                                                    ps_header-waers.
      lv_check = lv_check + ls_res-wrbtr.
    ENDLOOP.
    IF pt_return[] IS NOT INITIAL.
      RETURN.
    ENDIF.
    IF lv_check <> lv_open.
      PERFORM add_message TABLES pt_return USING 'E' '018' ls_clear-belnr space space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_clear-wrbtr.
    lv_disc = lv_disc + ls_clear-wskto.
    lv_woff = lv_woff + ls_clear-woff.

    CLEAR ls_ftclear.
    ls_ftclear-agkoa  = 'D'.
    ls_ftclear-agkon  = ls_clear-kunnr.
    ls_ftclear-agbuk  = ps_header-bukrs.
    ls_ftclear-xnops  = 'X'.
    ls_ftclear-selfd  = 'BELNR'.
*   document number, fiscal year and line item in one selection value
    ls_ftclear-selvon = |{ ls_clear-belnr }{ ls_clear-gjahr }{ ls_clear-buzei }|.
    APPEND ls_ftclear TO lt_ftclear.
  ENDLOOP.
* part payments: the item stays open; less than its open amount, same sign
  LOOP AT pt_partial INTO DATA(ls_part).
    READ TABLE pt_clear TRANSPORTING NO FIELDS WITH KEY belnr = ls_part-belnr
                                                       gjahr = ls_part-gjahr
                                                       buzei = ls_part-buzei.
    IF sy-subrc = 0.
      PERFORM add_message TABLES pt_return USING 'E' '046' ls_part-belnr space space.
      RETURN.
    ENDIF.
    SELECT SINGLE kunnr, belnr, gjahr, buzei, waers, shkzg, wrbtr, umskz FROM bsid
      WHERE bukrs = @ps_header-bukrs AND kunnr = @ls_part-kunnr
        AND belnr = @ls_part-belnr AND gjahr = @ls_part-gjahr
        AND buzei = @ls_part-buzei
      INTO CORRESPONDING FIELDS OF @ls_open.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES pt_return USING 'E' '015' ls_part-belnr ps_header-bukrs space.
      RETURN.
    ENDIF.
    IF ls_open-umskz IS NOT INITIAL OR ls_open-waers <> ps_header-waers.
      PERFORM add_message TABLES pt_return USING 'E' '017' ls_part-belnr ls_open-waers
                                              ps_header-waers.
      RETURN.
    ENDIF.
    CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_EXTERNAL'
      EXPORTING currency = ls_open-waers amount_internal = ls_open-wrbtr
      IMPORTING amount_external = lv_open.
    IF ls_open-shkzg = 'H'.
      lv_open = - lv_open.
    ENDIF.
    PERFORM check_decimals TABLES pt_return USING ls_part-belnr ls_part-wrbtr
                                                  ps_header-waers.
    IF pt_return[] IS NOT INITIAL.
      RETURN.
    ENDIF.
    IF ls_part-wrbtr = 0 OR abs( ls_part-wrbtr ) >= abs( lv_open )
       OR xsdbool( ls_part-wrbtr > 0 ) <> xsdbool( lv_open > 0 ).
      PERFORM add_message TABLES pt_return USING 'E' '047' ls_part-wrbtr ls_part-belnr space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_part-wrbtr.
  ENDLOOP.
* payments on account: a customer of the company code
  LOOP AT pt_onaccount INTO DATA(ls_acct).
    SELECT SINGLE kunnr FROM knb1
      WHERE kunnr = @ls_acct-kunnr AND bukrs = @ps_header-bukrs
      INTO @DATA(lv_kunnr).
    IF sy-subrc <> 0.
      PERFORM add_message TABLES pt_return USING 'E' '048' ls_acct-kunnr ps_header-bukrs space.
      RETURN.
    ENDIF.
    PERFORM check_decimals TABLES pt_return USING ls_acct-kunnr ls_acct-wrbtr
                                                  ps_header-waers.
    IF pt_return[] IS NOT INITIAL.
      RETURN.
    ENDIF.
    IF ls_acct-wrbtr = 0.
      PERFORM add_message TABLES pt_return USING 'E' '049' lv_kunnr space space.
      RETURN.
    ENDIF.
    lv_applied = lv_applied + ls_acct-wrbtr.
  ENDLOOP.
  IF lv_applied <> ps_payment-wrbtr.
    PERFORM add_message TABLES pt_return USING 'E' '020' ps_payment-wrbtr space space.
    RETURN.
  ENDIF.

* --- 3. post -------------------------------------------------------------
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BUKRS' ps_header-bukrs.
* PERFORM takes data objects only: expressions go through variables first
  lv_blart = COND #( WHEN ps_header-blart IS INITIAL THEN 'DZ' ELSE ps_header-blart ).
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BLART' lv_blart.
  PERFORM add_date  TABLES lt_ftpost USING 'K' 1 'BKPF-BLDAT' ps_header-bldat.
  PERFORM add_date  TABLES lt_ftpost USING 'K' 1 'BKPF-BUDAT' ps_header-budat.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-WAERS' ps_header-waers.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-XBLNR' ps_header-xblnr.
  PERFORM add_field TABLES lt_ftpost USING 'K' 1 'BKPF-BKTXT' ps_header-bktxt.

* bank line (a transfer posting has none)
  IF lv_auglv = 'EINGZAHL'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' '40'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ps_payment-hkont.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' ps_payment-wrbtr
                                              ps_header-waers.
    PERFORM add_date   TABLES lt_ftpost USING 'P' lv_count 'BSEG-VALUT' ps_payment-valut.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ps_payment-sgtxt.
  ELSE.
    lv_count = 0.
  ENDIF.

* cash discount granted, to the account maintained in TVARVC
  IF lv_disc <> 0.
    SELECT SINGLE low FROM tvarvc WHERE name = 'ZARBOTS_DISCOUNT_ACCOUNT' AND type = 'P'
      INTO @lv_account.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES pt_return USING 'E' '025' 'ZARBOTS_DISCOUNT_ACCOUNT' space
                                              space.
      RETURN.
    ENDIF.
    lv_count = lv_count + 1.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' '40'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' lv_account.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_disc
                                              ps_header-waers.
  ENDIF.

* write-offs within the limit, to the account in TVARVC, with their reason code
  IF lv_woff <> 0.
    SELECT SINGLE low FROM tvarvc WHERE name = 'ZARBOTS_WRITEOFF_ACCOUNT' AND type = 'P'
      INTO @lv_account.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES pt_return USING 'E' '025' 'ZARBOTS_WRITEOFF_ACCOUNT' space
                                              space.
      RETURN.
    ENDIF.
    LOOP AT pt_clear INTO ls_clear WHERE woff <> 0.
      lv_count = lv_count + 1.
      lv_bschl = COND #( WHEN ls_clear-woff > 0 THEN '40' ELSE '50' ).
      lv_amount = abs( ls_clear-woff ).
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' lv_account.
      PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              ps_header-waers.
      PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_clear-rstgr.
    ENDLOOP.
  ENDIF.

* part payments: customer credit lines tied to the invoice, which stays open
  LOOP AT pt_partial INTO ls_part.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_part-wrbtr > 0 THEN '15' ELSE '05' ).
    lv_amount = abs( ls_part-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_part-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              ps_header-waers.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZG' ls_part-belnr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZJ' ls_part-gjahr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZZ' ls_part-buzei.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-REBZT' 'Z'.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_part-rstgr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ls_part-sgtxt.
  ENDLOOP.

* payments on account: customer credit lines tied to no invoice
  LOOP AT pt_onaccount INTO ls_acct.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_acct-wrbtr > 0 THEN '15' ELSE '05' ).
    lv_amount = abs( ls_acct-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_acct-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              ps_header-waers.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-ZUONR' ls_acct-zuonr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-RSTGR' ls_acct-rstgr.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'BSEG-SGTXT' ls_acct-sgtxt.
  ENDLOOP.

* residual items: new customer items linked to their invoice
  LOOP AT pt_residual INTO ls_res.
    READ TABLE pt_clear INTO ls_clear WITH KEY belnr = ls_res-belnr gjahr = ls_res-gjahr
                                              buzei = ls_res-buzei.
    IF sy-subrc <> 0.
      PERFORM add_message TABLES pt_return USING 'E' '019' ls_res-belnr space space.
      RETURN.
    ENDIF.
    lv_count = lv_count + 1.
    lv_bschl = COND #( WHEN ls_res-wrbtr > 0 THEN '01' ELSE '11' ).
    lv_amount = abs( ls_res-wrbtr ).
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWBS' lv_bschl.
    PERFORM add_field  TABLES lt_ftpost USING 'P' lv_count 'RF05A-NEWKO' ls_clear-kunnr.
    PERFORM add_amount TABLES lt_ftpost USING 'P' lv_count 'BSEG-WRBTR' lv_amount
                                              ps_header-waers.
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
    PERFORM add_sy_message TABLES pt_return.
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
    PERFORM add_sy_message TABLES pt_return.
  ENDIF.

  CALL FUNCTION 'POSTING_INTERFACE_END'
    EXCEPTIONS
      session_not_processable = 1
      OTHERS                  = 2.

  READ TABLE lt_blntab INTO ls_blntab INDEX 1.
  IF pt_return[] IS INITIAL AND lv_subrc = 0 AND sy-subrc = 0.
    pv_belnr = ls_blntab-belnr.
    pv_gjahr = ls_blntab-gjahr.
    PERFORM add_message TABLES pt_return USING 'S' '001' pv_belnr ps_header-bukrs pv_gjahr.
  ELSEIF pt_return[] IS INITIAL.
    PERFORM add_interface_message TABLES pt_return
      USING lv_msgid lv_msgno lv_msgv1 lv_msgv2 lv_msgv3 lv_msgv4.
  ENDIF.
ENDFORM.
