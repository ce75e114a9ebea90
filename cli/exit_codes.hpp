#pragma once
// dcrun's exit codes. Otherwise dcrun exits with the master's own exit code.

namespace dc::cli {

inline constexpr int exit_usage = 2;         ///< bad flags or cluster settings; nothing started
inline constexpr int exit_launch = 3;        ///< workers could not be started (set by the master)
inline constexpr int exit_not_found = 127;   ///< the program does not exist or is not executable
inline constexpr int exit_signal_base = 128; ///< + N when the master was killed by signal N

} // namespace dc::cli
