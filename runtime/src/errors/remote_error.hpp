#pragma once
// What a call that threw sends back, and the exception its caller then throws.

#include "protocol/messages.hpp"

#include <dc/detail/function_id.hpp>
#include <dc/errors.hpp>

#include <string>

namespace dc::detail {

/// While a call runs on this thread: its throw sites are recorded and the user function that
/// dc's templates run is noted; what an outer call had is restored at the end (calls nest when
/// a call calls its own process).
class call_scope {
public:
    call_scope() noexcept;
    ~call_scope();
    call_scope(const call_scope&) = delete;
    call_scope& operator=(const call_scope&) = delete;

private:
    bool was_recording_;
    const char* noted_type_;
    const void* noted_address_;
};

/// The error_info for the exception being handled (call inside a catch block) of a call of
/// `fn` on process `pid`: type, message, host, OS pid, the called function's name and the stack
/// where the exception was thrown.
error_info describe_failed_call(int pid, const std::string& host, const function_id& fn);
/// An error_info that did not come from a throw inside the called function.
error_info describe_refused_call(int pid, const std::string& host, std::string type,
                                 std::string message);

/// The name of the function a call of `fn` runs: inside a call, the user's function that dc's
/// template (pmap's batch, a reduction's chunk) runs, when it noted one.
std::string called_function_name(const function_id& fn);
/// A key for that name (the noted function's or type's address, else fn's), stable in a run.
std::uintptr_t called_function_key(const function_id& fn) noexcept;

/// The exception a caller throws for an error that came back.
remote_exception to_exception(const error_info& e);

} // namespace dc::detail
