/* dynload.h - cairo, FreeType and libxlsxwriter, opened when a report
 * first draws a chart or writes a workbook instead of when earful starts.
 *
 * Linked the usual way, these libraries and theirs (X11, pixman,
 * fontconfig, OpenSSL's libcrypto for libxlsxwriter...) cost every run of
 * every command about 4.5 ms of loading and relocation, measured against
 * a binary without them; `earful score` and `earful import` never use
 * them. chart.c and xlsx.c call the functions listed here through tables
 * filled by dlopen/dlsym: they define EF_DYNLOAD_CAIRO or EF_DYNLOAD_XLSX
 * before including this header, which then turns each call of a listed
 * function into a call through its table. The types come from the
 * libraries' own headers (__typeof__), so a signature cannot be wrong.
 *
 * A function chart.c or xlsx.c starts to use must be added to its list:
 * the link fails otherwise (the library is not linked). */
#ifndef EF_DYNLOAD_H
#define EF_DYNLOAD_H

#include <cairo-ft.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <xlsxwriter.h>

#include "util/util.h"

/* The libraries, by the names Debian 12 installs them under (their
 * sonames: the ABI the headers describe). */
#define EF_LIBCAIRO "libcairo.so.2"
#define EF_LIBFREETYPE "libfreetype.so.6"
#define EF_LIBXLSXWRITER "libxlsxwriter.so.4"

#define EF_CAIRO_FUNCS(X) \
    X(cairo_arc) \
    X(cairo_close_path) \
    X(cairo_create) \
    X(cairo_destroy) \
    X(cairo_fill) \
    X(cairo_font_face_destroy) \
    X(cairo_font_face_set_user_data) \
    X(cairo_font_face_status) \
    X(cairo_font_options_create) \
    X(cairo_font_options_destroy) \
    X(cairo_font_options_set_antialias) \
    X(cairo_font_options_set_hint_metrics) \
    X(cairo_font_options_set_hint_style) \
    X(cairo_ft_font_face_create_for_ft_face) \
    X(cairo_image_surface_create) \
    X(cairo_image_surface_get_data) \
    X(cairo_image_surface_get_height) \
    X(cairo_image_surface_get_stride) \
    X(cairo_image_surface_get_width) \
    X(cairo_line_to) \
    X(cairo_move_to) \
    X(cairo_new_path) \
    X(cairo_new_sub_path) \
    X(cairo_paint) \
    X(cairo_rectangle) \
    X(cairo_scale) \
    X(cairo_set_dash) \
    X(cairo_set_font_face) \
    X(cairo_set_font_options) \
    X(cairo_set_font_size) \
    X(cairo_set_line_cap) \
    X(cairo_set_line_join) \
    X(cairo_set_line_width) \
    X(cairo_set_source_rgb) \
    X(cairo_set_source_rgba) \
    X(cairo_show_text) \
    X(cairo_status) \
    X(cairo_status_to_string) \
    X(cairo_stroke) \
    X(cairo_surface_destroy) \
    X(cairo_surface_finish) \
    X(cairo_surface_flush) \
    X(cairo_surface_status) \
    X(cairo_svg_surface_create_for_stream) \
    X(cairo_svg_surface_restrict_to_version) \
    X(cairo_svg_surface_set_document_unit) \
    X(cairo_text_extents)

#define EF_FREETYPE_FUNCS(X) \
    X(FT_Done_Face) \
    X(FT_Init_FreeType) \
    X(FT_New_Face)

#define EF_XLSX_FUNCS(X) \
    X(chart_add_series) \
    X(chart_axis_set_min) \
    X(chart_axis_set_num_format) \
    X(chart_legend_set_position) \
    X(chart_series_set_categories) \
    X(chart_series_set_fill) \
    X(chart_series_set_line) \
    X(chart_series_set_marker_type) \
    X(chart_series_set_name) \
    X(chart_series_set_points) \
    X(chart_series_set_values) \
    X(chart_title_set_name) \
    X(format_set_align) \
    X(format_set_bg_color) \
    X(format_set_bold) \
    X(format_set_border) \
    X(format_set_border_color) \
    X(format_set_bottom) \
    X(format_set_font_color) \
    X(format_set_font_size) \
    X(format_set_indent) \
    X(format_set_italic) \
    X(format_set_num_format) \
    X(format_set_text_wrap) \
    X(format_set_underline) \
    X(lxw_strerror) \
    X(lxw_workbook_free) \
    X(workbook_add_chart) \
    X(workbook_add_format) \
    X(workbook_add_worksheet) \
    X(workbook_close) \
    X(workbook_define_name) \
    X(workbook_new_opt) \
    X(workbook_set_properties) \
    X(worksheet_autofilter) \
    X(worksheet_conditional_format_range) \
    X(worksheet_data_validation_range) \
    X(worksheet_fit_to_pages) \
    X(worksheet_freeze_panes) \
    X(worksheet_insert_chart_opt) \
    X(worksheet_repeat_rows) \
    X(worksheet_set_column) \
    X(worksheet_set_landscape) \
    X(worksheet_set_paper) \
    X(worksheet_set_row) \
    X(worksheet_set_tab_color) \
    X(worksheet_write_blank) \
    X(worksheet_write_number) \
    X(worksheet_write_string) \
    X(worksheet_write_url)

#define EF_DYN_FIELD(f) __typeof__(&f) f;

typedef struct {
    EF_CAIRO_FUNCS(EF_DYN_FIELD)
    EF_FREETYPE_FUNCS(EF_DYN_FIELD)
} ef_cairo_api;

typedef struct {
    EF_XLSX_FUNCS(EF_DYN_FIELD)
} ef_xlsx_api;

extern ef_cairo_api ef_cairo;
extern ef_xlsx_api ef_xlsxw;

/* Open the libraries and fill the tables, once per process (any thread;
 * later calls return the first one's outcome). Errors: EF_ERR_CHART or
 * EF_ERR_XLSX naming the library and dlerror()'s reason. */
ef_status ef_cairo_load(ef_err *e);
ef_status ef_xlsx_load(ef_err *e);

#endif

#if defined(EF_DYNLOAD_CAIRO) && !defined(EF_DYNLOAD_CAIRO_DONE)
#define EF_DYNLOAD_CAIRO_DONE
#define cairo_arc (ef_cairo.cairo_arc)
#define cairo_close_path (ef_cairo.cairo_close_path)
#define cairo_create (ef_cairo.cairo_create)
#define cairo_destroy (ef_cairo.cairo_destroy)
#define cairo_fill (ef_cairo.cairo_fill)
#define cairo_font_face_destroy (ef_cairo.cairo_font_face_destroy)
#define cairo_font_face_set_user_data (ef_cairo.cairo_font_face_set_user_data)
#define cairo_font_face_status (ef_cairo.cairo_font_face_status)
#define cairo_font_options_create (ef_cairo.cairo_font_options_create)
#define cairo_font_options_destroy (ef_cairo.cairo_font_options_destroy)
#define cairo_font_options_set_antialias (ef_cairo.cairo_font_options_set_antialias)
#define cairo_font_options_set_hint_metrics (ef_cairo.cairo_font_options_set_hint_metrics)
#define cairo_font_options_set_hint_style (ef_cairo.cairo_font_options_set_hint_style)
#define cairo_ft_font_face_create_for_ft_face (ef_cairo.cairo_ft_font_face_create_for_ft_face)
#define cairo_image_surface_create (ef_cairo.cairo_image_surface_create)
#define cairo_image_surface_get_data (ef_cairo.cairo_image_surface_get_data)
#define cairo_image_surface_get_height (ef_cairo.cairo_image_surface_get_height)
#define cairo_image_surface_get_stride (ef_cairo.cairo_image_surface_get_stride)
#define cairo_image_surface_get_width (ef_cairo.cairo_image_surface_get_width)
#define cairo_line_to (ef_cairo.cairo_line_to)
#define cairo_move_to (ef_cairo.cairo_move_to)
#define cairo_new_path (ef_cairo.cairo_new_path)
#define cairo_new_sub_path (ef_cairo.cairo_new_sub_path)
#define cairo_paint (ef_cairo.cairo_paint)
#define cairo_rectangle (ef_cairo.cairo_rectangle)
#define cairo_scale (ef_cairo.cairo_scale)
#define cairo_set_dash (ef_cairo.cairo_set_dash)
#define cairo_set_font_face (ef_cairo.cairo_set_font_face)
#define cairo_set_font_options (ef_cairo.cairo_set_font_options)
#define cairo_set_font_size (ef_cairo.cairo_set_font_size)
#define cairo_set_line_cap (ef_cairo.cairo_set_line_cap)
#define cairo_set_line_join (ef_cairo.cairo_set_line_join)
#define cairo_set_line_width (ef_cairo.cairo_set_line_width)
#define cairo_set_source_rgb (ef_cairo.cairo_set_source_rgb)
#define cairo_set_source_rgba (ef_cairo.cairo_set_source_rgba)
#define cairo_show_text (ef_cairo.cairo_show_text)
#define cairo_status (ef_cairo.cairo_status)
#define cairo_status_to_string (ef_cairo.cairo_status_to_string)
#define cairo_stroke (ef_cairo.cairo_stroke)
#define cairo_surface_destroy (ef_cairo.cairo_surface_destroy)
#define cairo_surface_finish (ef_cairo.cairo_surface_finish)
#define cairo_surface_flush (ef_cairo.cairo_surface_flush)
#define cairo_surface_status (ef_cairo.cairo_surface_status)
#define cairo_svg_surface_create_for_stream (ef_cairo.cairo_svg_surface_create_for_stream)
#define cairo_svg_surface_restrict_to_version (ef_cairo.cairo_svg_surface_restrict_to_version)
#define cairo_svg_surface_set_document_unit (ef_cairo.cairo_svg_surface_set_document_unit)
#define cairo_text_extents (ef_cairo.cairo_text_extents)
#define FT_Done_Face (ef_cairo.FT_Done_Face)
#define FT_Init_FreeType (ef_cairo.FT_Init_FreeType)
#define FT_New_Face (ef_cairo.FT_New_Face)
#endif

#if defined(EF_DYNLOAD_XLSX) && !defined(EF_DYNLOAD_XLSX_DONE)
#define EF_DYNLOAD_XLSX_DONE
#define chart_add_series (ef_xlsxw.chart_add_series)
#define chart_axis_set_min (ef_xlsxw.chart_axis_set_min)
#define chart_axis_set_num_format (ef_xlsxw.chart_axis_set_num_format)
#define chart_legend_set_position (ef_xlsxw.chart_legend_set_position)
#define chart_series_set_categories (ef_xlsxw.chart_series_set_categories)
#define chart_series_set_fill (ef_xlsxw.chart_series_set_fill)
#define chart_series_set_line (ef_xlsxw.chart_series_set_line)
#define chart_series_set_marker_type (ef_xlsxw.chart_series_set_marker_type)
#define chart_series_set_name (ef_xlsxw.chart_series_set_name)
#define chart_series_set_points (ef_xlsxw.chart_series_set_points)
#define chart_series_set_values (ef_xlsxw.chart_series_set_values)
#define chart_title_set_name (ef_xlsxw.chart_title_set_name)
#define format_set_align (ef_xlsxw.format_set_align)
#define format_set_bg_color (ef_xlsxw.format_set_bg_color)
#define format_set_bold (ef_xlsxw.format_set_bold)
#define format_set_border (ef_xlsxw.format_set_border)
#define format_set_border_color (ef_xlsxw.format_set_border_color)
#define format_set_bottom (ef_xlsxw.format_set_bottom)
#define format_set_font_color (ef_xlsxw.format_set_font_color)
#define format_set_font_size (ef_xlsxw.format_set_font_size)
#define format_set_indent (ef_xlsxw.format_set_indent)
#define format_set_italic (ef_xlsxw.format_set_italic)
#define format_set_num_format (ef_xlsxw.format_set_num_format)
#define format_set_text_wrap (ef_xlsxw.format_set_text_wrap)
#define format_set_underline (ef_xlsxw.format_set_underline)
#define lxw_strerror (ef_xlsxw.lxw_strerror)
#define lxw_workbook_free (ef_xlsxw.lxw_workbook_free)
#define workbook_add_chart (ef_xlsxw.workbook_add_chart)
#define workbook_add_format (ef_xlsxw.workbook_add_format)
#define workbook_add_worksheet (ef_xlsxw.workbook_add_worksheet)
#define workbook_close (ef_xlsxw.workbook_close)
#define workbook_define_name (ef_xlsxw.workbook_define_name)
#define workbook_new_opt (ef_xlsxw.workbook_new_opt)
#define workbook_set_properties (ef_xlsxw.workbook_set_properties)
#define worksheet_autofilter (ef_xlsxw.worksheet_autofilter)
#define worksheet_conditional_format_range (ef_xlsxw.worksheet_conditional_format_range)
#define worksheet_data_validation_range (ef_xlsxw.worksheet_data_validation_range)
#define worksheet_fit_to_pages (ef_xlsxw.worksheet_fit_to_pages)
#define worksheet_freeze_panes (ef_xlsxw.worksheet_freeze_panes)
#define worksheet_insert_chart_opt (ef_xlsxw.worksheet_insert_chart_opt)
#define worksheet_repeat_rows (ef_xlsxw.worksheet_repeat_rows)
#define worksheet_set_column (ef_xlsxw.worksheet_set_column)
#define worksheet_set_landscape (ef_xlsxw.worksheet_set_landscape)
#define worksheet_set_paper (ef_xlsxw.worksheet_set_paper)
#define worksheet_set_row (ef_xlsxw.worksheet_set_row)
#define worksheet_set_tab_color (ef_xlsxw.worksheet_set_tab_color)
#define worksheet_write_blank (ef_xlsxw.worksheet_write_blank)
#define worksheet_write_number (ef_xlsxw.worksheet_write_number)
#define worksheet_write_string (ef_xlsxw.worksheet_write_string)
#define worksheet_write_url (ef_xlsxw.worksheet_write_url)
#endif
