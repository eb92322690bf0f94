// callbox: SWIG interface for FramePort (framebridge.hpp), appended to pjsua2.i by
// tools/pjsua2/build.sh.  Python sees bytes in and bytes out:
//   port.write(pcm)            queue line audio (bytes-like, even length)
//   port.read(max_bytes)       -> bytes of bridge audio for the line
%{
#include "pjsua2/framebridge.hpp"
%}

%ignore pj::FramePort::writePcm;
%ignore pj::FramePort::readPcm;
%include "pjsua2/framebridge.hpp"

#ifdef SWIGPYTHON
%extend pj::FramePort {
    PyObject *write(PyObject *data) {
        Py_buffer view;
        if (PyUnicode_Check(data)) {
            PyErr_SetString(PyExc_TypeError, "FramePort.write() takes bytes, not str");
            return NULL;
        }
        if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) != 0)
            return NULL;
        if (view.len % 2 != 0) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_ValueError,
                            "FramePort.write() takes whole 16-bit samples (an even length)");
            return NULL;
        }
        $self->writePcm(static_cast<const char *>(view.buf), (size_t)view.len);
        PyBuffer_Release(&view);
        Py_RETURN_NONE;
    }

    PyObject *read(long max_bytes) {
        if (max_bytes < 0) {
            PyErr_SetString(PyExc_ValueError, "FramePort.read() takes max_bytes >= 0");
            return NULL;
        }
        std::string out((size_t)max_bytes, '\0');
        size_t n = $self->readPcm(&out[0], (size_t)max_bytes);
        return PyBytes_FromStringAndSize(out.data(), (Py_ssize_t)n);
    }
}
#endif
