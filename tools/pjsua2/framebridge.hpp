/* callbox: FramePort, the audio bridge between Python and the conference bridge.
 *
 * pjproject 2.12 has no Python-side media port, so a board line's audio cannot
 * reach a call.  FramePort is the smallest bridge that works: a pjmedia_port of
 * 8 kHz mono 16-bit PCM in 20 ms frames (160 samples, 320 bytes), registered
 * with pjsua's conference bridge like a player or a recorder, and two bounded
 * byte queues between it and Python:
 *
 *   toLine    the bridge's put_frame appends what the calls connected to this
 *             port send (audio TO the line); Python takes it with readPcm().
 *   fromLine  Python queues audio heard on the line with writePcm(); the
 *             bridge's get_frame takes one frame per tick, or silence when a
 *             whole frame is not queued (an underrun).
 *
 * Both queues keep the newest audio: when full, the oldest bytes are dropped
 * and counted, so a slow side never blocks the media thread and latency stays
 * bounded.  The media thread never calls into Python (no GIL on that thread):
 * Python polls.  The bridge resamples 8 kHz to its own clock rate.
 *
 * Installed by tools/pjsua2/build.sh into pjsip/include/pjsua2/ and wrapped by
 * framebridge.i; header-only so the SWIG wrapper compiles it in one unit.
 */
#ifndef CALLBOX_FRAMEBRIDGE_HPP
#define CALLBOX_FRAMEBRIDGE_HPP

#include <pjsua2.hpp>
#include <pjmedia/port.h>

#include <cstring>
#include <deque>
#include <mutex>
#include <string>

namespace pj
{

class FramePort : public AudioMedia
{
public:
    /** Clock rate of the frames this port exchanges, in Hz. */
    static const unsigned CLOCK_RATE = 8000;
    /** Samples in one 20 ms frame. */
    static const unsigned FRAME_SAMPLES = 160;
    /** Bytes in one frame of 16-bit little-endian PCM. */
    static const unsigned FRAME_BYTES = FRAME_SAMPLES * 2;

    FramePort()
    : created(false), capacity(0), putFrames(0), getFrames(0),
      underrunCount(0), toLineDropped(0), fromLineDropped(0)
    {
        std::memset(&wrap, 0, sizeof(wrap));
    }

    /**
     * Create the pjmedia port and add it to the conference bridge.  Call after
     * Endpoint::libInit(); capacity_frames bounds each queue (default 1 s).
     */
    void createPort(const string &name, unsigned capacity_frames = 50)
         PJSUA2_THROW(Error)
    {
        if (created)
            fail(PJ_EEXISTS, "FramePort::createPort");
        if (capacity_frames == 0)
            fail(PJ_EINVAL, "FramePort::createPort");
        portName = name.substr(0, 31);
        pj_str_t pname = pj_str((char *)portName.c_str());
        pj_status_t status = pjmedia_port_info_init(
            &wrap.base.info, &pname, PJMEDIA_SIG_CLASS_APP('c', 'b', 'F'),
            CLOCK_RATE, 1, 16, FRAME_SAMPLES);
        if (status != PJ_SUCCESS)
            fail(status, "FramePort::createPort");
        wrap.base.port_data.pdata = this;
        wrap.base.put_frame = &FramePort::onPutFrame;
        wrap.base.get_frame = &FramePort::onGetFrame;
        wrap.base.on_destroy = &FramePort::onDestroy;
        wrap.owner = this;
        {
            std::lock_guard<std::mutex> lock(mutex);
            capacity = (size_t)capacity_frames * FRAME_BYTES;
        }
        registerMediaPort(&wrap.base);
        created = true;
    }

    /** Remove the port from the bridge (disconnecting it) and drop queued audio. */
    void destroyPort()
    {
        if (!created)
            return;
        created = false;
        /* pjsua_conf_remove_port() takes the bridge's mutex, which the media
         * thread holds while it calls get_frame/put_frame: once it returns no
         * callback can be running or come later.  The bridge lives from
         * libInit() until libDestroy(); outside that there is none to leave. */
        pjsua_state state = pjsua_get_state();
        bool bridge_up = state == PJSUA_STATE_INIT || state == PJSUA_STATE_STARTING ||
                         state == PJSUA_STATE_RUNNING;
        if (id != PJSUA_INVALID_ID && bridge_up) {
            unregisterMediaPort();
        } else {
            id = PJSUA_INVALID_ID;
        }
        std::lock_guard<std::mutex> lock(mutex);
        toLine.clear();
        fromLine.clear();
    }

    virtual ~FramePort()
    {
        destroyPort();
    }

    /** True between createPort() and destroyPort(). */
    bool isCreated() const { return created; }

    /**
     * Queue PCM heard on the line (16-bit little-endian, 8 kHz mono) for the
     * bridge to take.  When the queue is full the oldest bytes are dropped.
     */
    void writePcm(const char *data, size_t len)
    {
        std::lock_guard<std::mutex> lock(mutex);
        fromLine.insert(fromLine.end(), data, data + len);
        if (fromLine.size() > capacity) {
            size_t excess = fromLine.size() - capacity;
            fromLine.erase(fromLine.begin(), fromLine.begin() + excess);
            fromLineDropped += excess;
        }
    }

    /** Move up to max_bytes of the bridge's audio for the line into out. */
    size_t readPcm(char *out, size_t max_bytes)
    {
        std::lock_guard<std::mutex> lock(mutex);
        size_t n = toLine.size() < max_bytes ? toLine.size() : max_bytes;
        n -= n % 2;
        std::copy(toLine.begin(), toLine.begin() + n, out);
        toLine.erase(toLine.begin(), toLine.begin() + n);
        return n;
    }

    /** Bytes of bridge audio waiting for readPcm(). */
    unsigned long pendingToLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return toLine.size();
    }

    /** Bytes of line audio waiting for the bridge. */
    unsigned long pendingFromLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return fromLine.size();
    }

    /** Frames the bridge delivered for the line (put_frame calls). */
    unsigned long framesToLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return putFrames;
    }

    /** Frames the bridge took from the line queue, silence included. */
    unsigned long framesFromLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return getFrames;
    }

    /** get_frame calls that found less than a frame queued and sent silence. */
    unsigned long underruns()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return underrunCount;
    }

    /** Bytes of bridge audio dropped because Python did not read in time. */
    unsigned long droppedToLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return toLineDropped;
    }

    /** Bytes of line audio dropped because the queue was full. */
    unsigned long droppedFromLine()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return fromLineDropped;
    }

    /** The size of each queue, in bytes. */
    unsigned long capacityBytes()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return capacity;
    }

private:
    struct PortWrap {
        pjmedia_port base;
        FramePort *owner;
    };

    PortWrap wrap;
    bool created;
    string portName;
    std::mutex mutex;
    std::deque<char> toLine;
    std::deque<char> fromLine;
    size_t capacity;
    unsigned long putFrames;
    unsigned long getFrames;
    unsigned long underrunCount;
    unsigned long toLineDropped;
    unsigned long fromLineDropped;

    /* pjsua2's own raise macros need the including file's THIS_FILE. */
    static void fail(pj_status_t status, const char *op) PJSUA2_THROW(Error)
    {
        throw Error(status, op, string(), __FILE__, __LINE__);
    }

    static FramePort *ownerOf(pjmedia_port *port)
    {
        return reinterpret_cast<PortWrap *>(port)->owner;
    }

    /* Media thread: the bridge sends a frame towards the line. */
    static pj_status_t onPutFrame(pjmedia_port *port, pjmedia_frame *frame)
    {
        FramePort *self = ownerOf(port);
        std::lock_guard<std::mutex> lock(self->mutex);
        self->putFrames++;
        if (frame->type == PJMEDIA_FRAME_TYPE_AUDIO && frame->size > 0) {
            const char *p = static_cast<const char *>(frame->buf);
            self->toLine.insert(self->toLine.end(), p, p + frame->size);
        } else {
            /* Nothing transmits to this port: the line still gets a steady
             * 20 ms clock, as silence. */
            self->toLine.insert(self->toLine.end(), (size_t)FRAME_BYTES, (char)0);
        }
        if (self->toLine.size() > self->capacity) {
            size_t excess = self->toLine.size() - self->capacity;
            self->toLine.erase(self->toLine.begin(), self->toLine.begin() + excess);
            self->toLineDropped += excess;
        }
        return PJ_SUCCESS;
    }

    /* Media thread: the bridge takes a frame of line audio. */
    static pj_status_t onGetFrame(pjmedia_port *port, pjmedia_frame *frame)
    {
        FramePort *self = ownerOf(port);
        std::lock_guard<std::mutex> lock(self->mutex);
        self->getFrames++;
        size_t want = PJMEDIA_PIA_AVG_FSZ(&port->info);
        char *out = static_cast<char *>(frame->buf);
        if (self->fromLine.size() >= want) {
            std::copy(self->fromLine.begin(), self->fromLine.begin() + want, out);
            self->fromLine.erase(self->fromLine.begin(), self->fromLine.begin() + want);
        } else {
            std::memset(out, 0, want);
            self->underrunCount++;
        }
        frame->type = PJMEDIA_FRAME_TYPE_AUDIO;
        frame->size = want;
        frame->timestamp.u64 = 0;
        return PJ_SUCCESS;
    }

    /* The bridge never destroys a port it does not own; nothing to free. */
    static pj_status_t onDestroy(pjmedia_port *port)
    {
        PJ_UNUSED_ARG(port);
        return PJ_SUCCESS;
    }
};

} /* namespace pj */

#endif /* CALLBOX_FRAMEBRIDGE_HPP */
