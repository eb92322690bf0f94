/* callbox: pjproject compile-time limits for a call-center engine.
 *
 * The PyPI pjsua2 wheels keep pjproject's defaults (4 calls, 32 players,
 * 32 recorders, a 64-handle select() ioqueue): two bridged caller+agent
 * pairs per process.  These limits are compile-time only, so callbox builds
 * its own binding.  Sizes follow DESIGN §5: one engine holds ~750 bridged
 * pairs before audio degrades on 2 cores; the tables below leave headroom
 * and cost a few MB of static memory.
 */
#define PJSUA_MAX_CALLS             2048
#define PJSUA_MAX_PLAYERS           2048
#define PJSUA_MAX_RECORDERS         2048
#define PJSUA_MAX_CONF_PORTS        (PJSUA_MAX_CALLS + PJSUA_MAX_PLAYERS + PJSUA_MAX_RECORDERS + 8)
#define PJSUA_MAX_ACC               64
#define PJSUA_MAX_BUDDIES           16
#define PJ_IOQUEUE_MAX_HANDLES      8192
#define PJSIP_MAX_TSX_COUNT         (16 * 1024 - 1)
#define PJSIP_MAX_DIALOG_COUNT      (16 * 1024 - 1)
#define PJSIP_UDP_SO_RCVBUF_SIZE    (4 * 1024 * 1024)
#define PJSIP_UDP_SO_SNDBUF_SIZE    (4 * 1024 * 1024)
#define PJ_LOG_MAX_LEVEL            5

/* A server: no video, no sound card, no automatic NAT games. */
#define PJMEDIA_HAS_VIDEO           0
#define PJMEDIA_AUDIO_DEV_HAS_NULL_AUDIO 1
#define PJSUA_DEFAULT_AUDIO_FRAME_PTIME 20
