#ifndef AROGYA_CNCURSESW_SHIM_H
#define AROGYA_CNCURSESW_SHIM_H

/*
 * SwiftPM drops the -D flags that pkg-config gives for ncursesw, so without this the wide-character
 * API (get_wch, cchar_t, waddnwstr) is not declared at all. It must come before the include.
 */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

/* Swift 6 rejects direct use of these C globals as not concurrency-safe: reach them through accessors. */
static inline WINDOW *nc_stdscr(void) { return stdscr; }
static inline WINDOW *nc_curscr(void) { return curscr; }
static inline int nc_cols(void) { return COLS; }
static inline int nc_lines(void) { return LINES; }
static inline int nc_colors(void) { return COLORS; }
static inline int nc_color_pairs(void) { return COLOR_PAIRS; }
static inline void nc_set_escdelay(int ms) { set_escdelay(ms); }

/* Macros, which Swift cannot call. */
static inline int nc_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline unsigned int nc_a_normal(void) { return A_NORMAL; }
static inline unsigned int nc_a_bold(void) { return A_BOLD; }
static inline unsigned int nc_a_reverse(void) { return A_REVERSE; }
static inline unsigned int nc_a_underline(void) { return A_UNDERLINE; }
static inline unsigned int nc_a_dim(void) { return A_DIM; }
static inline int nc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int nc_key_f(int n) { return KEY_F(n); }

/* Function-like macros of the wide API. */
static inline int nc_set_attr(WINDOW *win, unsigned int attrs, int pair) {
    return wattr_set(win, (attr_t)attrs, (short)pair, NULL);
}
static inline int nc_put_wide(WINDOW *win, int y, int x, const wchar_t *text, int length) {
    return mvwaddnwstr(win, y, x, text, length);
}
static inline int nc_read_row(WINDOW *win, int y, wchar_t *buffer, int length) {
    return mvwinnwstr(win, y, 0, buffer, length);
}
static inline int nc_move(WINDOW *win, int y, int x) { return wmove(win, y, x); }
/* Where curses holds the cursor (for tests on a virtual terminal). */
static inline int nc_cursor_x(WINDOW *win) { return getcurx(win); }
static inline int nc_cursor_y(WINDOW *win) { return getcury(win); }
/* The text of a row from column x, as curses holds it (moves the cursor there). */
static inline int nc_read_from(WINDOW *win, int y, int x, wchar_t *buffer, int length) {
    return mvwinnwstr(win, y, x, buffer, length);
}
static inline int nc_key_resize(void) { return KEY_RESIZE; }
static inline int nc_key_min(void) { return KEY_MIN; }
static inline int nc_key_max(void) { return KEY_MAX; }

/* The locale's character set, to choose between Unicode and ASCII borders. */
static inline int nc_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    if (codeset == NULL) return 0;
    return (codeset[0] == 'U' || codeset[0] == 'u') &&
           (codeset[1] == 'T' || codeset[1] == 't') &&
           (codeset[2] == 'F' || codeset[2] == 'f');
}

#endif
