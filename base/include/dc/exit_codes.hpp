#pragma once
// The exit codes dcrun and a master it started use for their own failures. Otherwise dcrun
// exits with the master's exit code (see README, "Exit codes").

namespace dc {

inline constexpr int exit_config_error = 2;  ///< bad flags or cluster settings; nothing started
inline constexpr int exit_launch_error = 3;  ///< workers could not be started
inline constexpr int exit_not_found = 127;   ///< the program does not exist or is not executable
inline constexpr int exit_signal_base = 128; ///< + N when the master was killed by signal N

} // namespace dc
