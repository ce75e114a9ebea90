#pragma once
// Interrupting running calls (Julia's interrupt(pids), and Ctrl-C). C++ cannot stop a thread
// from outside, so it is cooperative: a call is marked interrupted, and every dc wait inside it
// (fetch, wait, take, put, pmap, dc::sleep_for) then throws dc::interrupted_error. A call that
// computes without waiting notices when it asks: dc::interrupted() or dc::check_interrupt().
//
// Ctrl-C on the master's terminal: the first interrupts every call running on the workers and
// makes what the master's program is waiting for throw dc::interrupted_error (the cluster stays
// usable); a second one within 2 s ends the run (workers removed, exit by SIGINT).

#include <dc/procs.hpp>

#include <chrono>
#include <vector>

namespace dc {

/// Marks the calls now running on `ids` as interrupted (calls that arrive later are not).
/// Returns at once. Throws dc::process_exited for an id that is not a live process.
void interrupt(const std::vector<int>& ids = workers());

/// Inside a call: true once this call was interrupted. Outside calls: false. Reads pending
/// messages at most once a millisecond, so a call that computes may ask in its inner loop.
bool interrupted();

/// Inside a call: throws dc::interrupted_error if it was interrupted.
void check_interrupt();

/// Sleeps for `d` while this process keeps serving; an interrupt ends it early by throwing
/// dc::interrupted_error (inside a call: dc::interrupt; on the master: Ctrl-C).
void sleep_for(std::chrono::nanoseconds d);

} // namespace dc
