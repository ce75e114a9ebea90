#include "errors/throw_site.hpp"

#include <boost/stacktrace.hpp>

#include <cxxabi.h>
#include <dlfcn.h>

#include <optional>
#include <sstream>
#include <typeinfo>

namespace dc::detail {
namespace {

thread_local bool recording = false;
thread_local std::optional<boost::stacktrace::stacktrace> last_site;

// Frames of dc's own wrapper and of the C++ runtime above the throw are left out.
constexpr std::size_t frames_to_skip = 2;
constexpr std::size_t most_frames = 48;

} // namespace

bool record_throw_sites(bool on) noexcept {
    const bool was = recording;
    recording = on;
    if (on) last_site.reset();
    return was;
}

void remember_throw_site() noexcept {
    thread_local bool capturing = false; // a throw while capturing (bad_alloc) is not recorded
    if (!recording || capturing) return;
    capturing = true;
    try {
        last_site.emplace(frames_to_skip, most_frames);
    } catch (...) {
        last_site.reset();
    }
    capturing = false;
}

std::string last_throw_site() {
    if (!last_site || last_site->empty()) return "";
    std::ostringstream text;
    std::size_t n = 0;
    for (const auto& frame : *last_site) {
        text << n++ << "# " << frame.name();
        const auto file = frame.source_file();
        if (!file.empty()) text << " at " << file << ":" << frame.source_line();
        text << "\n";
        if (frame.name() == "main") break;
    }
    return text.str();
}

std::string function_name_at(const void* address) {
    return boost::stacktrace::frame(
               reinterpret_cast<boost::stacktrace::frame::native_frame_ptr_t>(address))
        .name();
}

} // namespace dc::detail

// The wrapper. Sanitizers intercept throws themselves; there the stack is simply not recorded.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
namespace __cxxabiv1 { // NOLINT(bugprone-reserved-identifier): the C++ runtime's own name
// NOLINTNEXTLINE(bugprone-reserved-identifier)
extern "C" void __cxa_throw(void* object, std::type_info* type, void (*destroy)(void*)) {
    dc::detail::remember_throw_site();
    using throw_fn = void (*)(void*, std::type_info*, void (*)(void*));
    static const auto real = reinterpret_cast<throw_fn>(::dlsym(RTLD_NEXT, "__cxa_throw"));
    real(object, type, destroy);
    __builtin_unreachable();
}
} // namespace __cxxabiv1
#endif
