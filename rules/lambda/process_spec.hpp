// How a function's process is started: which program, which bootstrap, and the environment a
// Lambda handler expects (its variables, region, dummy credentials, AWS_ENDPOINT_URL pointing
// at the emulator, LAMBDA_TASK_ROOT, _HANDLER, NODE_PATH). Pure: values in, a ProcessSpec out.
#pragma once

#include "rules/lambda/bootstrap.hpp"
#include "rules/lambda/function.hpp"
#include "rules/lambda/process.hpp"
#include "rules/lambda/runtime.hpp"

namespace iotemu::lambda {

// `region` is the function ARN's.
ProcessSpec process_spec(const Function& function, const RuntimeConfig& config,
                         const BootstrapFiles& bootstrap);

}  // namespace iotemu::lambda
