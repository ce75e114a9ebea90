#include "errors/remote_error.hpp"

#include "errors/throw_site.hpp"
#include "util/demangle.hpp"

#include <dc/detail/callable.hpp>
#include <dc/detail/patterns.hpp>

#include <tuple>

#include <unistd.h>

namespace dc::detail {
namespace {

// The function a template of dc (pmap's batch, a reduction's chunk) runs for the user: noted
// by callable<F>::get(), so that errors name it rather than dc's own template.
thread_local const char* noted_type = nullptr;
thread_local const void* noted_address = nullptr;

std::string name_of_called(const function_id& fn) {
    if (noted_address) return function_name_at(noted_address);
    if (noted_type) return demangle(noted_type);
    if (fn.image != 0) {
        try {
            return function_name_at(resolve_function({fn.image, fn.offset}));
        } catch (const std::exception&) {
            return "";
        }
    }
    const char* type = invoker_callee_type(fn.invoker);
    return type ? demangle(type) : "";
}

} // namespace

void note_callee(const char* type_name, const void* address) noexcept {
    noted_type = type_name;
    noted_address = address;
}

std::string called_function_name(const function_id& fn) {
    return name_of_called(fn);
}

std::uintptr_t called_function_key(const function_id& fn) noexcept {
    if (noted_address) return reinterpret_cast<std::uintptr_t>(noted_address);
    if (noted_type) return reinterpret_cast<std::uintptr_t>(noted_type);
    return static_cast<std::uintptr_t>((fn.image * 0x9E3779B97F4A7C15ULL) ^ fn.offset ^
                                       (fn.invoker << 1U));
}

call_scope::call_scope() noexcept
    : was_recording_(record_throw_sites(true)), noted_type_(noted_type),
      noted_address_(noted_address) {
    note_callee(nullptr, nullptr);
}

call_scope::~call_scope() {
    record_throw_sites(was_recording_);
    note_callee(noted_type_, noted_address_);
}

error_info describe_failed_call(int pid, const std::string& host, const function_id& fn) {
    error_info e;
    e.pid = pid;
    std::tie(e.type, e.message) = describe_current_exception();
    e.host = host;
    e.os_pid = ::getpid();
    e.function = name_of_called(fn);
    e.stacktrace = last_throw_site();
    return e;
}

error_info describe_refused_call(int pid, const std::string& host, std::string type,
                                 std::string message) {
    error_info e;
    e.pid = pid;
    e.type = std::move(type);
    e.message = std::move(message);
    e.host = host;
    e.os_pid = ::getpid();
    return e;
}

remote_exception to_exception(const error_info& e) {
    return remote_exception(e.pid, e.type, e.message,
                            remote_origin{e.host, e.os_pid, e.function, e.stacktrace});
}

} // namespace dc::detail
