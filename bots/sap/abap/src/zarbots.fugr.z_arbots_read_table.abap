FUNCTION z_arbots_read_table.
*"----------------------------------------------------------------------
*" arbots: RFC_READ_TABLE in primary-key order, for key-range paging.
*" Function group ZARBOTS, processing type "Remote-Enabled Module".
*"
*" The interface and the row format of RFC_READ_TABLE (one text line of at
*" most 512 characters per row, each field at the offset and length
*" FIELDS reports, separated by DELIMITER), and the same exceptions, with
*" one guarantee it lacks: the rows come in primary-key order (ORDER BY on
*" the key fields; RFC_READ_TABLE gives no order, and on HANA none holds
*" between two calls). So a caller pages by key range: each call's OPTIONS
*" add "key > the last key read" and ROWCOUNT, ROWSKIPS stays 0, and no
*" row is skipped or read twice whatever the database.
*"
*" 1. QUERY_TABLE must be a table or view of the dictionary
*"    (TABLE_NOT_AVAILABLE) the caller may display: S_TABU_NAM / S_TABU_DIS
*"    through VIEW_AUTHORITY_CHECK (NOT_AUTHORIZED).
*" 2. FIELDS (empty: all) must be fields of it (FIELD_NOT_VALID), no wider
*"    than 512 characters together (DATA_BUFFER_EXCEEDED). With NO_DATA =
*"    'X' only FIELDS comes back.
*" 3. OPTIONS is the WHERE clause (OPTION_NOT_VALID when the database
*"    refuses it); at most ROWCOUNT rows (0: all) after ROWSKIPS.
*"
*"*"Local Interface:
*"  IMPORTING
*"     VALUE(QUERY_TABLE) TYPE  TABNAME
*"     VALUE(DELIMITER) TYPE  CHAR1 DEFAULT SPACE
*"     VALUE(NO_DATA) TYPE  CHAR1 DEFAULT SPACE
*"     VALUE(ROWSKIPS) TYPE  INT4 DEFAULT 0
*"     VALUE(ROWCOUNT) TYPE  INT4 DEFAULT 0
*"  TABLES
*"      OPTIONS STRUCTURE  RFC_DB_OPT
*"      FIELDS STRUCTURE  RFC_DB_FLD
*"      DATA STRUCTURE  TAB512
*"  EXCEPTIONS
*"      TABLE_NOT_AVAILABLE
*"      TABLE_WITHOUT_DATA
*"      OPTION_NOT_VALID
*"      FIELD_NOT_VALID
*"      NOT_AUTHORIZED
*"      DATA_BUFFER_EXCEEDED
*"----------------------------------------------------------------------
  DATA: lt_dfies  TYPE STANDARD TABLE OF dfies,
        ls_dfies  TYPE dfies,
        lt_select TYPE STANDARD TABLE OF fieldname,
        lt_order  TYPE STANDARD TABLE OF fieldname,
        lr_rows   TYPE REF TO data,
        lv_offset TYPE i,
        lv_width  TYPE i,
        lv_max    TYPE i,
        lv_first  TYPE i,
        lv_before TYPE i,
        ls_data   TYPE tab512.
  FIELD-SYMBOLS: <lt_rows>  TYPE STANDARD TABLE,
                 <ls_row>   TYPE any,
                 <lv_value> TYPE any,
                 <ls_field> TYPE rfc_db_fld.

  CLEAR data[].
  CALL FUNCTION 'DDIF_FIELDINFO_GET'
    EXPORTING
      tabname   = query_table
    TABLES
      dfies_tab = lt_dfies
    EXCEPTIONS
      not_found = 1
      OTHERS    = 2.
  IF sy-subrc <> 0.
    RAISE table_not_available.
  ENDIF.
  CALL FUNCTION 'VIEW_AUTHORITY_CHECK'
    EXPORTING
      view_action                    = 'S'
      view_name                      = query_table
      no_warning_for_clientindep     = 'X'
    EXCEPTIONS
      invalid_action                 = 1
      no_authority                   = 2
      no_clientindependent_authority = 3
      table_not_found                = 4
      no_linedependent_authority     = 5
      OTHERS                         = 6.
  IF sy-subrc <> 0.
    RAISE not_authorized.
  ENDIF.

* --- 2. the fields and their layout -----------------------------------
  IF fields[] IS INITIAL.
    LOOP AT lt_dfies INTO ls_dfies WHERE datatype <> 'CLNT'.
      APPEND VALUE #( fieldname = ls_dfies-fieldname ) TO fields.
    ENDLOOP.
  ENDIF.
  LOOP AT fields ASSIGNING <ls_field>.
    TRANSLATE <ls_field>-fieldname TO UPPER CASE.
    READ TABLE lt_dfies INTO ls_dfies WITH KEY fieldname = <ls_field>-fieldname.
    IF sy-subrc <> 0.
      RAISE field_not_valid.
    ENDIF.
    IF sy-tabix > 1 AND delimiter IS NOT INITIAL.
      lv_offset = lv_offset + 1.
    ENDIF.
    <ls_field>-offset = lv_offset.
    <ls_field>-length = ls_dfies-outputlen.
    <ls_field>-type = ls_dfies-inttype.
    <ls_field>-fieldtext = ls_dfies-fieldtext.
    lv_offset = lv_offset + ls_dfies-outputlen.
    APPEND <ls_field>-fieldname TO lt_select.
  ENDLOOP.
  IF lv_offset > 512.
    RAISE data_buffer_exceeded.
  ENDIF.
  IF no_data = 'X'.
    RETURN.
  ENDIF.

* --- 3. the rows, in primary-key order -----------------------------------
  LOOP AT lt_dfies INTO ls_dfies WHERE keyflag = 'X' AND datatype <> 'CLNT'.
    APPEND ls_dfies-fieldname TO lt_order.
  ENDLOOP.
  CREATE DATA lr_rows TYPE STANDARD TABLE OF (query_table).
  ASSIGN lr_rows->* TO <lt_rows>.
  IF rowcount > 0.
    lv_max = rowskips + rowcount.
  ENDIF.
  TRY.
      SELECT (lt_select) FROM (query_table) WHERE (options)
        ORDER BY (lt_order)
        INTO CORRESPONDING FIELDS OF TABLE @<lt_rows> UP TO @lv_max ROWS.
    CATCH cx_sy_dynamic_osql_error.
      RAISE option_not_valid.
  ENDTRY.

* As RFC_READ_TABLE: each value moved into its place of the line (dates
* YYYYMMDD, numbers right-aligned with a trailing sign), no user format.
  lv_first = rowskips + 1.
  LOOP AT <lt_rows> ASSIGNING <ls_row> FROM lv_first.
    CLEAR ls_data.
    LOOP AT fields ASSIGNING <ls_field>.
      ASSIGN COMPONENT <ls_field>-fieldname OF STRUCTURE <ls_row> TO <lv_value>.
      lv_offset = <ls_field>-offset.
      lv_width = <ls_field>-length.
      IF lv_offset > 0 AND delimiter IS NOT INITIAL.
        lv_before = lv_offset - 1.
        ls_data-wa+lv_before(1) = delimiter.
      ENDIF.
      ls_data-wa+lv_offset(lv_width) = <lv_value>.
    ENDLOOP.
    APPEND ls_data TO data.
  ENDLOOP.
ENDFUNCTION.
