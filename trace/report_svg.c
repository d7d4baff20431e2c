/*
 * report_svg.c — SVG charts for the HTML report (report_svg.h).  Pure text
 * output: coordinates computed here, styles from the page's CSS classes.
 */
#include "trace/report_svg.h"

#include <math.h>
#include <string.h>

#define CHART_W 960
#define CHART_H 280
#define PAD_L   78              /* room for y tick labels */
#define PAD_R   170             /* the legend */
#define PAD_T   34
#define PAD_B   44

void html_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default:  fputc(*s, out);
        }
    }
}

/* Series colour i of n: hues around the wheel, dark enough on white. */
static void series_colour(char *buf, size_t len, unsigned i, unsigned n)
{
    unsigned hue = n ? (i * 360u / n + 210u) % 360u : 210u;
    snprintf(buf, len, "hsl(%u,70%%,42%%)", hue);
}

/* 1234567 -> "1.23M" */
static void short_number(char *buf, size_t len, double v)
{
    static const char *const suffix[] = { "", "k", "M", "G", "T" };
    unsigned i = 0;
    while (fabs(v) >= 1000 && i < 4) {
        v /= 1000;
        i++;
    }
    if (v == floor(v))
        snprintf(buf, len, "%.0f%s", v, suffix[i]);
    else
        snprintf(buf, len, "%.3g%s", v, suffix[i]);
}

struct scale {
    double x0, x1, y1;          /* data ranges (y from 0) */
    int logy;
};

static double px(const struct scale *sc, double x)
{
    double w = CHART_W - PAD_L - PAD_R;
    return PAD_L + (sc->x1 > sc->x0 ? (x - sc->x0) / (sc->x1 - sc->x0) * w : 0);
}

static double py(const struct scale *sc, double y)
{
    double h = CHART_H - PAD_T - PAD_B;
    double v = sc->logy ? log10(1 + y) : y;
    double top = sc->logy ? log10(1 + sc->y1) : sc->y1;
    return CHART_H - PAD_B - (top > 0 ? v / top * h : 0);
}

static void axes(FILE *out, const struct svg_chart *c, const struct scale *sc)
{
    char num[32];
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
            PAD_L, CHART_H - PAD_B, CHART_W - PAD_R, CHART_H - PAD_B);
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
            PAD_L, PAD_T, PAD_L, CHART_H - PAD_B);
    for (int i = 0; i <= 5; i++) {                       /* x ticks */
        double x = sc->x0 + (sc->x1 - sc->x0) * i / 5;
        short_number(num, sizeof num, x);
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                px(sc, x), CHART_H - PAD_B + 16, num);
    }
    if (sc->logy) {                                      /* y ticks: powers of ten */
        for (double y = 1; y <= sc->y1 * 1.0001; y *= 10) {
            short_number(num, sizeof num, y);
            fprintf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PAD_L, py(sc, y), CHART_W - PAD_R, py(sc, y), PAD_L - 6, py(sc, y) + 4, num);
        }
    } else {
        for (int i = 1; i <= 4; i++) {
            double y = sc->y1 * i / 4;
            short_number(num, sizeof num, y);
            fprintf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PAD_L, py(sc, y), CHART_W - PAD_R, py(sc, y), PAD_L - 6, py(sc, y) + 4, num);
        }
    }
    fprintf(out, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
            (PAD_L + CHART_W - PAD_R) / 2, CHART_H - 8);
    html_escape(out, c->xlabel);
    fprintf(out, "</text>\n<text class=\"label\" x=\"14\" y=\"%d\" text-anchor=\"middle\""
            " transform=\"rotate(-90 14 %d)\">", (PAD_T + CHART_H - PAD_B) / 2,
            (PAD_T + CHART_H - PAD_B) / 2);
    html_escape(out, c->ylabel);
    fputs(c->logy ? " (log)</text>\n" : "</text>\n", out);
}

static void scale_of(struct scale *sc, const struct svg_series *s, unsigned ns, int logy)
{
    int first = 1;
    memset(sc, 0, sizeof *sc);
    sc->logy = logy;
    for (unsigned i = 0; i < ns; i++)
        for (size_t j = 0; j < s[i].n; j++) {
            if (first || s[i].x[j] < sc->x0)
                sc->x0 = s[i].x[j];
            if (first || s[i].x[j] > sc->x1)
                sc->x1 = s[i].x[j];
            if (s[i].y[j] > sc->y1)
                sc->y1 = s[i].y[j];
            first = 0;
        }
    if (sc->y1 <= 0)
        sc->y1 = 1;
}

void svg_line_chart(FILE *out, const struct svg_chart *c, const struct svg_series *s,
                    unsigned ns)
{
    struct scale sc;
    size_t points = 0;
    for (unsigned i = 0; i < ns; i++)
        points += s[i].n;
    scale_of(&sc, s, ns, c->logy);
    fprintf(out, "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\""
            " xmlns=\"http://www.w3.org/2000/svg\">\n<title>", c->id, CHART_W, CHART_H);
    html_escape(out, c->title);
    fprintf(out, "</title>\n<text class=\"title\" x=\"%d\" y=\"20\">", PAD_L);
    html_escape(out, c->title);
    fputs("</text>\n", out);
    if (!points) {
        fprintf(out, "<text class=\"empty\" x=\"%d\" y=\"%d\">no data in this trace</text>\n"
                "</svg>\n", PAD_L, CHART_H / 2);
        return;
    }
    axes(out, c, &sc);
    for (unsigned i = 0; i < ns; i++) {
        char colour[32];
        series_colour(colour, sizeof colour, i, ns);
        fprintf(out, "<polyline class=\"series\" data-series=\"");
        html_escape(out, s[i].name);
        /* the first of a few series is drawn wider, so that a later one
         * equal to it (allocations and faults) does not hide it */
        fprintf(out, "\" stroke=\"%s\"%s points=\"", colour,
                i == 0 && ns > 1 && ns <= 4 ? " style=\"stroke-width:4;stroke-opacity:.55\"" : "");
        for (size_t j = 0; j < s[i].n; j++)
            fprintf(out, "%s%.1f,%.1f", j ? " " : "", px(&sc, s[i].x[j]), py(&sc, s[i].y[j]));
        fprintf(out, "\"/>\n<rect class=\"key\" x=\"%d\" y=\"%u\" width=\"12\" height=\"12\""
                " fill=\"%s\"/><text class=\"legend\" x=\"%d\" y=\"%u\">", CHART_W - PAD_R + 14,
                PAD_T + i * 18, colour, CHART_W - PAD_R + 32, PAD_T + i * 18 + 10);
        html_escape(out, s[i].name);
        fputs("</text>\n", out);
    }
    fputs("</svg>\n", out);
}

#define MAP_W     960
#define MAP_LABEL 330           /* the band's name and range */
#define MAP_ROW   22
#define MAP_NAME_CHARS 18       /* what fits of a name beside the range */

/* The last n characters of a name (a path's end says most), "…" before. */
static void label_tail(FILE *out, const char *name, size_t n)
{
    size_t len = strlen(name);
    if (len > n) {
        fputs("\xe2\x80\xa6", out);   /* U+2026, UTF-8 */
        name += len - n;
    }
    html_escape(out, name);
}

/* A cell's colour: the band's hue, lighter with no faults, darker with
 * more faults per page (density relative to the densest cell). */
static void cell_colour(char *buf, size_t len, unsigned hue, double density)
{
    unsigned light = (unsigned)(88 - 52 * (density > 1 ? 1 : density));
    snprintf(buf, len, "hsl(%u,65%%,%u%%)", hue, light);
}

void svg_address_map(FILE *out, const char *id, const struct svg_region *r, unsigned nr)
{
    double densest = 0;
    for (unsigned i = 0; i < nr; i++) {
        double pages = (double)(r[i].stop - r[i].start) / 4096;
        for (unsigned c = 0; c < r[i].ncells; c++) {
            double d = r[i].cells[c] / (pages / r[i].ncells);
            densest = d > densest ? d : densest;
        }
    }
    int h = PAD_T + (int)nr * MAP_ROW + 10;
    fprintf(out, "<svg id=\"%s\" class=\"chart map\" viewBox=\"0 0 %d %d\" role=\"img\""
            " xmlns=\"http://www.w3.org/2000/svg\">\n<title>Address space</title>\n"
            "<text class=\"title\" x=\"4\" y=\"20\">Address space: VMAs by address, cells"
            " darker with more faults per page</text>\n", id, MAP_W, h);
    if (!nr)
        fprintf(out, "<text class=\"empty\" x=\"4\" y=\"%d\">no VMAs in this trace</text>\n",
                PAD_T + 12);
    for (unsigned i = 0; i < nr; i++) {
        unsigned hue = (i * 137u + 200u) % 360u;        /* neighbours differ */
        int y = PAD_T + (int)i * MAP_ROW;
        double cw = (double)(MAP_W - MAP_LABEL - 8) / r[i].ncells;
        double pages = (double)(r[i].stop - r[i].start) / 4096;
        fprintf(out, "<g class=\"vma\" data-name=\"");
        html_escape(out, r[i].name);
        fprintf(out, "\"><text class=\"legend\" x=\"4\" y=\"%d\">0x%08x-0x%08x ", y + 14,
                r[i].start, r[i].stop);
        label_tail(out, r[i].name, MAP_NAME_CHARS);
        fprintf(out, " (%u)</text>\n", r[i].faults);
        for (unsigned c = 0; c < r[i].ncells; c++) {
            char colour[32];
            cell_colour(colour, sizeof colour, hue,
                        densest > 0 ? r[i].cells[c] / (pages / r[i].ncells) / densest : 0);
            fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>",
                    MAP_LABEL + c * cw, y + 2, cw + 0.05, MAP_ROW - 5, colour);
        }
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
}
