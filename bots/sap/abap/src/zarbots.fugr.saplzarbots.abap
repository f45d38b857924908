*******************************************************************
*   System-defined Include-files.                                 *
*******************************************************************
  INCLUDE lzarbotstop.                       " Global Declarations
  INCLUDE lzarbotsuxx.                       " Function Modules

*******************************************************************
*   User-defined Include-files (if necessary).                    *
*******************************************************************
  INCLUDE lzarbotsf01.                       " Helpers
  INCLUDE lzarbotsf02.                       " Z_ARBOTS_POST_CLEARING: checks and posting
