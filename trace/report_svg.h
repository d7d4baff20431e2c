/*
 * report_svg.h — private to trace/: the report's SVG charts, drawn as text
 * (no script): a line chart of series over time and an address-space map.
 * Every chart is an <svg> with an id and class "chart"; series are
 * <polyline class="series">, map bands <g class="vma">.
 */
#ifndef MEMSIM_REPORT_SVG_H
#define MEMSIM_REPORT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct svg_series {
    const char *name;           /* legend text */
    size_t n;
    const double *x, *y;        /* n points, x increasing */
};

struct svg_chart {
    const char *id, *title, *xlabel, *ylabel;
    int logy;                   /* y on a log scale (log10(1 + y)) */
};

/* A line chart of ns series; with no points at all, a note saying so. */
void svg_line_chart(FILE *out, const struct svg_chart *c, const struct svg_series *s,
                    unsigned ns);

/* One band of the address-space map: a VMA's range, split into ncells
 * equal cells each holding the faults of its pages. */
struct svg_region {
    uint32_t start, stop;
    const char *name;
    unsigned ncells;
    unsigned *cells;            /* faults per cell */
    unsigned faults;            /* their sum */
};

/* The regions as bands, one per row, coloured by VMA (a hue each), each
 * cell darker the more faults per page it had. */
void svg_address_map(FILE *out, const char *id, const struct svg_region *r, unsigned nr);

/* s with &, <, >, " escaped (text and attribute values). */
void html_escape(FILE *out, const char *s);

#endif
