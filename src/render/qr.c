/* QR codes as SVG, from libqrencode's module matrix. */
#include "qr.h"

#include <qrencode.h>

#include "html.h"

enum { QUIET = 4 };

bool pst_qr_svg(struct pst_buf *b, const char *text, const char *label)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return false;
	int n = q->width, size = n + 2 * QUIET;
	pst_html_printf(b,
			"<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			"role=\"img\" aria-label=\"%s\" shape-rendering=\"crispEdges\">"
			"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
			size, size, label, size, size);
	/* Each row's runs of dark modules as one rectangle each. */
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n;) {
			if (!(q->data[y * n + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < n && (q->data[y * n + x + run] & 1))
				run++;
			pst_html_printf(b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run;
		}
	pst_html_raw(b, "\"/></svg>");
	QRcode_free(q);
	return true;
}
