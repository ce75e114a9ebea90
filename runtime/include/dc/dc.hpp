#pragma once
// The umbrella header of dc, the C++ runtime of Julia's Distributed.jl model.

#include <dc/darray.hpp>
#include <dc/distributed.hpp>
#include <dc/errors.hpp>
#include <dc/fn.hpp>
#include <dc/future.hpp>
#include <dc/globals.hpp>
#include <dc/init.hpp>
#include <dc/interrupt.hpp>
#include <dc/managers/pbs_manager.hpp>
#include <dc/managers/slurm_manager.hpp>
#include <dc/managers/ssh_manager.hpp>
#include <dc/options.hpp>
#include <dc/pmap.hpp>
#include <dc/procs.hpp>
#include <dc/remote_channel.hpp>
#include <dc/remotecall.hpp>
#include <dc/serialize.hpp>
#include <dc/shared_array.hpp>
#include <dc/wait_all.hpp>
#include <dc/worker_pool.hpp>
