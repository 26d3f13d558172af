/** The most items one page of any connection may hold (`first`/`last`). */
export const MAX_PAGE_SIZE = 100;
/** The page size when a connection is asked for neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 20;
