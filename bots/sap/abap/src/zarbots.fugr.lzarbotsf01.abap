*----------------------------------------------------------------------*
* Helpers of the ZARBOTS function modules: RETURN messages (message    *
* class ZARBOTS, texts in zarbots.msag.xml), FTPOST fields for the     *
* posting interface, amount checks and the authority check of texts.   *
* PERFORM takes data objects only: callers pass variables, never       *
* expressions (COND #( ), abs( ), ...); a typed formal parameter gets  *
* an actual of its type (the counter is generic: literal or COUNT_PI). *
*----------------------------------------------------------------------*

FORM add_message TABLES pt_return STRUCTURE bapiret2
                 USING pv_type TYPE c pv_number TYPE c pv_v1 TYPE any pv_v2 TYPE any
                       pv_v3 TYPE any.
  DATA ls_return TYPE bapiret2.
  ls_return-type = pv_type.
  ls_return-id = 'ZARBOTS'.
  ls_return-number = pv_number.
  ls_return-message_v1 = pv_v1.
  ls_return-message_v2 = pv_v2.
  ls_return-message_v3 = pv_v3.
  MESSAGE ID 'ZARBOTS' TYPE 'S' NUMBER pv_number WITH pv_v1 pv_v2 pv_v3
    INTO ls_return-message.
  APPEND ls_return TO pt_return.
ENDFORM.

FORM add_sy_message TABLES pt_return STRUCTURE bapiret2.
  PERFORM add_interface_message TABLES pt_return
    USING sy-msgid sy-msgno sy-msgv1 sy-msgv2 sy-msgv3 sy-msgv4.
ENDFORM.

* A message the posting interface returned (E_MSGID ... E_MSGV4), as type E.
FORM add_interface_message TABLES pt_return STRUCTURE bapiret2
                           USING pv_msgid TYPE sy-msgid pv_msgno TYPE sy-msgno
                                 pv_v1 TYPE sy-msgv1 pv_v2 TYPE sy-msgv2
                                 pv_v3 TYPE sy-msgv3 pv_v4 TYPE sy-msgv4.
  DATA ls_return TYPE bapiret2.
  ls_return-type = 'E'.
  ls_return-id = pv_msgid.
  ls_return-number = pv_msgno.
  ls_return-message_v1 = pv_v1.
  ls_return-message_v2 = pv_v2.
  ls_return-message_v3 = pv_v3.
  ls_return-message_v4 = pv_v4.
  MESSAGE ID pv_msgid TYPE 'S' NUMBER pv_msgno WITH pv_v1 pv_v2 pv_v3 pv_v4
    INTO ls_return-message.
  APPEND ls_return TO pt_return.
ENDFORM.

FORM add_field TABLES pt_ftpost STRUCTURE ftpost
               USING pv_stype TYPE c pv_count TYPE simple pv_fnam TYPE c pv_fval TYPE any.
  DATA ls_ftpost TYPE ftpost.
  ls_ftpost-stype = pv_stype.
  ls_ftpost-count = pv_count.
  ls_ftpost-fnam = pv_fnam.
  ls_ftpost-fval = pv_fval.
  APPEND ls_ftpost TO pt_ftpost.
ENDFORM.

* Dates and amounts go into FTPOST in the user's external format.
FORM add_date TABLES pt_ftpost STRUCTURE ftpost
              USING pv_stype TYPE c pv_count TYPE simple pv_fnam TYPE c pv_date TYPE d.
  DATA lv_text TYPE ftpost-fval.
  WRITE pv_date TO lv_text.
  PERFORM add_field TABLES pt_ftpost USING pv_stype pv_count pv_fnam lv_text.
ENDFORM.

FORM add_amount TABLES pt_ftpost STRUCTURE ftpost
                USING pv_stype TYPE c pv_count TYPE simple pv_fnam TYPE c
                      pv_amount TYPE bapiwrbtr pv_waers TYPE waers.
  DATA: lv_internal TYPE wrbtr,
        lv_text     TYPE ftpost-fval.
  CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_INTERNAL'
    EXPORTING
      currency             = pv_waers
      amount_external      = pv_amount
      max_number_of_digits = 23
    IMPORTING
      amount_internal      = lv_internal.
  WRITE lv_internal TO lv_text CURRENCY pv_waers NO-GROUPING LEFT-JUSTIFIED.
  PERFORM add_field TABLES pt_ftpost USING pv_stype pv_count pv_fnam lv_text.
ENDFORM.

* 013 when an external amount has more decimals than its currency allows
* (TCURX): converted to the internal format and back, it would change.
FORM check_decimals TABLES pt_return STRUCTURE bapiret2
                    USING pv_what TYPE any pv_amount TYPE bapiwrbtr pv_waers TYPE waers.
  DATA: lv_internal TYPE wrbtr,
        lv_back     TYPE bapiwrbtr.
  CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_INTERNAL'
    EXPORTING
      currency             = pv_waers
      amount_external      = pv_amount
      max_number_of_digits = 23
    IMPORTING
      amount_internal      = lv_internal.
  CALL FUNCTION 'BAPI_CURRENCY_CONV_TO_EXTERNAL'
    EXPORTING
      currency        = pv_waers
      amount_internal = lv_internal
    IMPORTING
      amount_external = lv_back.
  IF lv_back <> pv_amount.
    PERFORM add_message TABLES pt_return USING 'E' '013' pv_what pv_amount pv_waers.
  ENDIF.
ENDFORM.

* The authority check of a long text arbots reads (ACTVT 03) or writes (02).
* Only the text objects arbots uses are allowed (027), each name must have
* its object's layout (028), and the caller needs the company code's
* authorisation: F_KNA1_BUK for customer texts (KNB1), F_BKPF_BUK for
* document texts (BELEG). Messages: 022 change, 023 display.
FORM check_text_authority TABLES pt_return STRUCTURE bapiret2
                          USING pv_tdobject TYPE tdobject pv_tdname TYPE tdobname
                                pv_actvt TYPE c.
  DATA: lv_bukrs  TYPE bukrs,
        lv_number TYPE c LENGTH 3.
  CASE pv_tdobject.
    WHEN gc_text_customer.
      IF strlen( pv_tdname ) <> 14.
        PERFORM add_message TABLES pt_return USING 'E' '028' pv_tdname pv_tdobject space.
        RETURN.
      ENDIF.
      lv_bukrs = pv_tdname+10(4).
      AUTHORITY-CHECK OBJECT 'F_KNA1_BUK'
        ID 'BUKRS' FIELD lv_bukrs
        ID 'ACTVT' FIELD pv_actvt.
    WHEN gc_text_document.
      IF strlen( pv_tdname ) <> 18 OR pv_tdname+14(4) CN '0123456789'.
        PERFORM add_message TABLES pt_return USING 'E' '028' pv_tdname pv_tdobject space.
        RETURN.
      ENDIF.
      lv_bukrs = pv_tdname(4).
      AUTHORITY-CHECK OBJECT 'F_BKPF_BUK'
        ID 'BUKRS' FIELD lv_bukrs
        ID 'ACTVT' FIELD pv_actvt.
    WHEN OTHERS.
      PERFORM add_message TABLES pt_return USING 'E' '027' pv_tdobject space space.
      RETURN.
  ENDCASE.
  IF sy-subrc <> 0.
    lv_number = COND #( WHEN pv_actvt = '03' THEN '023' ELSE '022' ).
    PERFORM add_message TABLES pt_return USING 'E' lv_number lv_bukrs space space.
  ENDIF.
ENDFORM.
