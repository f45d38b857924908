FUNCTION-POOL zarbots MESSAGE-ID zarbots.

* Text objects arbots reads and writes (Z_ARBOTS_SAVE_TEXT / _READ_TEXT):
* KNB1  customer in company code, name = KUNNR (10) + BUKRS (4);
* BELEG accounting document,      name = BUKRS (4) + BELNR (10) + GJAHR (4).
CONSTANTS: gc_text_customer TYPE tdobject VALUE 'KNB1',
           gc_text_document TYPE tdobject VALUE 'BELEG'.
