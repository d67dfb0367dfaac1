/* postura serve: the web app, served by postura itself (src/web). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "web/web.h"

const char cmd_serve_usage[] =
	"usage: postura serve [--listen ADDR:PORT] [--host NAME]... [--db PATH|URI] [--person ID]\n"
	"                     [--tls-cert FILE --tls-key FILE] [--allow-remote] [--pool N]\n"
	"\n"
	"Serves the web app: the safety questions, your profile, today's routine with a\n"
	"session player, check-ins, history with charts, the exercise library and tips, and\n"
	"a JSON API under /api/v1. Open the address it prints in a browser. Ctrl-C stops it;\n"
	"everything you saved is on disk before the page says so.\n"
	"\n"
	"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0 picks a free\n"
	"                      port and prints it; IPv6 as [::1]:8080)\n"
	"  --host NAME[:PORT]  another name the server answers to (it answers to\n"
	"                      127.0.0.1, localhost and [::1] with its port, and refuses\n"
	"                      any other Host with 421): the name a reverse proxy or a\n"
	"                      browser beyond this machine uses; may be repeated\n"
	"  --db PATH|URI       the database to use (as the global --db; also $POSTURA_DB)\n"
	"  --person ID         whose records to serve (as the global --person; also\n"
	"                      $POSTURA_PERSON; default 1)\n"
	"  --tls-cert FILE     serve HTTPS with this certificate (PEM: the server's own\n"
	"                      first, then the chain of its issuers)\n"
	"  --tls-key FILE      ... and this private key (PEM, unencrypted, readable by the\n"
	"                      server's user only)\n"
	"  --allow-remote      allow an address beyond this machine; refused unless the\n"
	"                      server speaks HTTPS (--tls-cert) or the database has\n"
	"                      accounts (postura user add), and warned about unless both\n"
	"  --pool N            connections to the database this process keeps, each used\n"
	"                      by one request at a time (1 to 512; also $POSTURA_POOL;\n"
	"                      default 8 on SQLite, 32 on PostgreSQL, where all processes\n"
	"                      together must stay within the server's max_connections)\n"
	"  -h, --help          show this help\n";

/* Splits "ADDR:PORT" or "[V6]:PORT" into host (in buf) and port. */
static bool parse_listen(const char *s, char *host, size_t size, int *port)
{
	const char *colon;
	if (*s == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= size)
			return false;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= size || colon == s)
			return false;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		return false;
	*port = (int)p;
	return true;
}

/* Each worker thread of the server opens its own connection to the database the
 * server started with (which must still be there: never a new empty one). */
struct worker_target {
	const char *db; /* the path or URI */
	int64_t person; /* whose records */
};

static int open_worker_store(void *ctx, struct pst_store **out, char *errmsg, size_t size)
{
	const struct worker_target *t = ctx;
	return pst_store_open(t->db, PST_DB_EXISTING, t->person, out, errmsg, size);
}

/* A pool size (--pool or $POSTURA_POOL): a whole number from 1 to PST_WEB_POOL_MAX. */
static bool parse_pool(const char *name, const char *v, int *pool)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < 1 || n > PST_WEB_POOL_MAX) {
		cli_error("%s: '%s' is not a number of database connections (a whole number from 1 "
			  "to %d)", name, v, PST_WEB_POOL_MAX);
		return false;
	}
	*pool = (int)n;
	return true;
}

/* The pool against PostgreSQL's max_connections (all processes share it): a pool that
 * cannot fit even alone is refused; the default is cut to fit; a pool that may not fit
 * beside the connections open now is warned about (requests then get 503, never wait). */
static int check_pool(struct pst_store *s, const char *given, int *pool)
{
	int allowed = 0, in_use = 0;
	if (!s->db->ops->connection_limit)
		return EXIT_OK;
	if (s->db->ops->connection_limit(s->db, &allowed, &in_use) != PST_OK) {
		cli_error("%s", s->db->errmsg[0] ? s->db->errmsg : "cannot read max_connections");
		return EXIT_FAIL;
	}
	/* this process: the pool, and the connection it started with */
	if (*pool + 1 > allowed) {
		if (given) {
			cli_error("%s %d: %s takes at most %d connections from postura (max_connections, "
				  "less those reserved for superusers, or the role's CONNECTION LIMIT) "
				  "and this process would need %d "
				  "(its pool and one more); give a pool of at most %d, and keep all "
				  "processes' pools together within max_connections",
				  given, *pool, s->db->where, allowed, *pool + 1, allowed - 1);
			return EXIT_USAGE;
		}
		if (allowed < 2) {
			cli_error("%s takes only %d connection%s (max_connections): serve needs at least 2",
				  s->db->where, allowed, allowed == 1 ? "" : "s");
			return EXIT_FAIL;
		}
		fprintf(stderr, "postura: a pool of %d database connections (not %d): %s takes at most "
				"%d (max_connections)\n", allowed - 1, *pool, s->db->where, allowed);
		*pool = allowed - 1;
	} else if (in_use + *pool > allowed) {
		fprintf(stderr, "postura: warning: a pool of %d database connections, and %s has %d of "
				"its %d open already (other processes): when none is left, requests get 503 "
				"(a smaller --pool, or a larger max_connections)\n",
			*pool, s->db->where, in_use, allowed);
	}
	return EXIT_OK;
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"allow-remote", no_argument, NULL, 'r'}, {"host", required_argument, NULL, 'H'},
		{"tls-cert", required_argument, NULL, 'c'}, {"tls-key", required_argument, NULL, 'k'},
		{"pool", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *tls_cert = NULL, *tls_key = NULL;
	char host[128] = "127.0.0.1";
	int port = 8080;
	bool remote = false;
	int pool = 0;
	const char *pool_from = NULL; /* the option or variable that gave the pool's size */
	const char *env_pool = getenv("POSTURA_POOL");
	if (env_pool && *env_pool) {
		if (!parse_pool("POSTURA_POOL", env_pool, &pool))
			return EXIT_USAGE;
		pool_from = "POSTURA_POOL";
	}
	enum { HOSTS_MAX = 8 };
	const char *hosts[HOSTS_MAX];
	size_t nhosts = 0;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "serve")) != -1) {
		switch (o) {
		case 'l':
			if (!parse_listen(optarg, host, sizeof host, &port)) {
				cli_error("--listen: '%s' is not ADDR:PORT (e.g. 127.0.0.1:8080)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'H':
			if (!pst_web_host_name_ok(optarg)) {
				cli_error("--host: '%s' is not a host name, an IPv4 address or a [IPv6] "
					  "address, with an optional :PORT (e.g. postura.example.org)",
					  optarg);
				return EXIT_USAGE;
			}
			if (nhosts == HOSTS_MAX) {
				cli_error("--host: at most %d names", HOSTS_MAX);
				return EXIT_USAGE;
			}
			hosts[nhosts++] = optarg;
			break;
		case 'p':
			if (!parse_pool("--pool", optarg, &pool))
				return EXIT_USAGE;
			pool_from = "--pool";
			break;
		case 'r': remote = true; break;
		case 'c': tls_cert = optarg; break;
		case 'k': tls_key = optarg; break;
		case 'h': return cli_help(cmd_serve_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("serve", argv[optind]);
	if (!tls_cert != !tls_key) {
		cli_error("%s: HTTPS needs both --tls-cert FILE and --tls-key FILE",
			  tls_cert ? "--tls-cert" : "--tls-key");
		return EXIT_USAGE;
	}
	if (!pst_web_is_loopback(host) && !remote) {
		cli_error("--listen %s: not a loopback address; your health records would be open to "
			  "the network. Add --allow-remote if you mean it.", host);
		return EXIT_USAGE;
	}
	const struct pst_catalog *cat = cli_catalog(c);
	struct pst_store *s = cli_store(c);
	if (!cat || !s)
		return EXIT_FAIL;
	/* The database as given (the server's confinement needs its directory, or to know it
	 * is a PostgreSQL server). */
	char dbpath[4096];
	const char *target = cli_db_target(c, dbpath, sizeof dbpath);
	if (target != dbpath)
		snprintf(dbpath, sizeof dbpath, "%s", target ? target : "");
	if (!pool)
		pool = pst_db_target_is_pg(dbpath) ? PST_WEB_POOL_PG : PST_WEB_POOL_SQLITE;
	int rc = check_pool(s, pool_from, &pool);
	if (rc != EXIT_OK)
		return rc;
	struct worker_target wt = {.db = dbpath, .person = s->person};
	struct pst_web_config cfg = {
		.host = host, .port = port, .allow_remote = remote, .store = s, .cat = cat,
		.tls_cert = tls_cert, .tls_key = tls_key, .tls = tls_cert != NULL,
		.hosts = hosts, .nhosts = nhosts, .db_path = dbpath,
		.questions = cli_questions(c), .tips = cli_tips(c),
		.open_store = open_worker_store, .open_ctx = &wt, .pool = pool,
	};
	char err[512];
	if (pst_web_serve(&cfg, stdout, err, sizeof err) != PST_OK) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
