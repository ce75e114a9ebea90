#pragma once
// Finding a program and reading how a process ended, once for every caller (local workers,
// srun, the batch tools, dcrun itself).

#include <string>

namespace dc::launcher {

/// The path of `name`: itself when it contains a '/' and is an executable file, else the
/// first executable file of that name on PATH; "" when there is none.
std::string find_program(const std::string& name);

/// A wait status as a shell shows it: the exit code, or 128 + the signal that killed it.
int exit_code_of(int wait_status) noexcept;

} // namespace dc::launcher
