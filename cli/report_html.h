/*
 * report_html.h - --html=DIR: a self-contained HTML report of a suite.
 *
 * DIR/index.html lists every run (script, family, verdict, duration,
 * flaky, retried); each failed run (each run with --html-all) gets a
 * page DIR/run-N.html with its sequence diagram as inline SVG
 * (report_svg.c), its script with the failing line highlighted and
 * linked to the diagram, the full report text and a link to its pcap.
 * No script, no style sheet or font from anywhere else: the files open
 * from a CI artifact.
 */
#ifndef TCPCHECK_REPORT_HTML_H
#define TCPCHECK_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"
#include "run_events.h"

/* NULL when out of memory; the directory must exist. */
struct reporter *report_html_new(const char *dir, bool all);

/* text with &, <, >, " and ' escaped. */
void html_put_escaped(FILE *out, const char *text);

/* The diagram of one run: an <svg> element, one <line class="arrow">
 * per packet, ids "ev-N" per event and "ev-fail" at the failing line,
 * each event linked to its script line ("#L14").
 */
void svg_write(FILE *out, const struct run_story *st);

#endif /* TCPCHECK_REPORT_HTML_H */
