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
*" Reference: XBLNR is converted to upper case first (its domain is upper
*" case and SAP converts it when the document is posted, so a lower-case
*" key would never be found again); the reference check and the posting
*" run under the lock object EZARBOTS_REF (table ZARBOTS_REF: company code
*" + reference), so of two calls with one reference the second waits, then
*" finds the first's document (029 when the lock is still held after the
*" wait). The check reads BKPF by its XBLNR index (BUKRS, BSTAT, XBLNR).
*"
*" LUW: FB05 run by the posting interface commits its own document
*" (CALL TRANSACTION ... UPDATE 'S'); BAPI_TRANSACTION_ROLLBACK cannot undo
*" it. The reference check in step 1 is what makes a rerun safe. The
*" caller calls BAPI_TRANSACTION_COMMIT after every call all the same.
*"
*" Messages: class ZARBOTS (zarbots.msag.xml). Dictionary objects (SE11,
*" zarbots_clr_*.tabl.xml), all fields as named in the structure:
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
  DATA ls_header TYPE zarbots_clr_header.

  CLEAR: e_belnr, e_gjahr, e_existing, return[].
  ls_header = i_header.
  TRANSLATE ls_header-xblnr TO UPPER CASE.
  IF ls_header-xblnr IS INITIAL.
    PERFORM add_message TABLES return USING 'E' '010' space space space.
    RETURN.
  ENDIF.

  CALL FUNCTION 'ENQUEUE_EZARBOTS_REF'
    EXPORTING
      mode_zarbots_ref = 'E'
      mandt            = sy-mandt
      bukrs            = ls_header-bukrs
      xblnr            = ls_header-xblnr
      _scope           = '1'
      _wait            = 'X'
    EXCEPTIONS
      foreign_lock     = 1
      system_failure   = 2
      OTHERS           = 3.
  IF sy-subrc <> 0.
    PERFORM add_message TABLES return USING 'E' '029' ls_header-xblnr sy-msgv1 space.
    RETURN.
  ENDIF.

  PERFORM post_clearing TABLES t_clear t_residual t_partial t_onaccount return
                        USING ls_header i_payment
                        CHANGING e_belnr e_gjahr e_existing.

  CALL FUNCTION 'DEQUEUE_EZARBOTS_REF'
    EXPORTING
      mode_zarbots_ref = 'E'
      mandt            = sy-mandt
      bukrs            = ls_header-bukrs
      xblnr            = ls_header-xblnr
      _scope           = '1'.
ENDFUNCTION.
