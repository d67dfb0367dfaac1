/* The two halves of `postura session`: recording a session (cmd_session.c) and guiding
 * one in the terminal (guide.c). Both save through cli_session_save. */
#ifndef PST_CLI_SESSION_H
#define PST_CLI_SESSION_H

#include "cli.h"

/*
 * Checks a session body -- the JSON of `session log` and POST /api/v1/sessions -- with
 * pst_session_parse_json and adds it to the store: the one path every logged session
 * takes. src names the body in messages. On success prints "Saved session N: ...",
 * fills *log (its strings live in a) and returns EXIT_OK; otherwise prints why and
 * returns the exit code, and nothing is saved.
 */
int cli_session_save(struct cli *c, const char *src, const char *text, size_t len,
		     struct pst_arena *a, struct pst_session_log *log);

/* postura session [--answers FILE]: today's plan, guided step by step (guide.c).
 * argv[0] is "session". */
int cli_session_guide(struct cli *c, int argc, char **argv);

#endif
