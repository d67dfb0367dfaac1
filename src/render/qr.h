/* A QR code (libqrencode) drawn as SVG markup for a page: the subscription address of
 * the calendar, for a phone's camera. */
#ifndef PST_RENDER_QR_H
#define PST_RENDER_QR_H

#include "core/base.h"

/*
 * Appends <svg ...>...</svg> encoding text (byte mode, error correction level M) with
 * the quiet zone of 4 modules the standard asks for: dark modules as one path of
 * rectangles, one unit per module, scaled by the viewBox to the width CSS gives it.
 * label is the image's accessible name. Returns false (nothing appended) when text is
 * too long for a QR code or libqrencode fails.
 */
bool pst_qr_svg(struct pst_buf *b, const char *text, const char *label);

#endif
