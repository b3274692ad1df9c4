// The runtime with real python3 and node processes: results, exceptions, timeouts, crashes,
// output to the log tail, warm reuse and retirement, concurrency, pre-warm and throttling.
#include "rules/lambda/runtime.hpp"

#include <fstream>
#include <future>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/aws_error.hpp"
#include "lambda/support.hpp"

using namespace iotemu;
using namespace iotemu::lambda;
using namespace iotemu::lambda::test;
using nlohmann::json;

namespace {

constexpr const char* python_handlers = R"(import os, sys, time

def ok(event, context):
    print("handling", event.get("n"))
    return {"n": event["n"] * 2, "pid": os.getpid(), "name": context.function_name,
            "request": context.aws_request_id, "left": context.get_remaining_time_in_millis(),
            "memory": context.memory_limit_in_mb, "arn": context.invoked_function_arn,
            "region": os.environ["AWS_REGION"], "endpoint": os.environ["AWS_ENDPOINT_URL"],
            "stage": os.environ.get("STAGE"), "root": os.environ["LAMBDA_TASK_ROOT"]}

def throws(event, context):
    raise ValueError("bad event " + str(event.get("n")))

def hangs(event, context):
    time.sleep(30)

def crashes(event, context):
    sys.stdout.write("about to exit\n")
    os._exit(3)

def unserializable(event, context):
    return {1, 2}

def floods(event, context):
    sys.stdout.write("x" * 3_000_000)
    sys.stdout.write("\n")
    for i in range(100_000):
        print("line", i)
    return {"done": True}

def forks_then_hangs(event, context):
    import subprocess
    child = subprocess.Popen(["sleep", "300"])
    with open(event["pidfile"], "w") as f:
        f.write(str(child.pid))
    time.sleep(30)

def forks_then_exits(event, context):
    import subprocess
    child = subprocess.Popen(["sleep", "300"])
    with open(event["pidfile"], "w") as f:
        f.write(str(child.pid))
    os._exit(1)
)";

constexpr const char* node_handlers = R"(
exports.asyncOk = async (event, context) => {
  console.log('async handling', event.n);
  return { n: event.n * 2, pid: process.pid, name: context.functionName,
           request: context.awsRequestId, left: context.getRemainingTimeInMillis(),
           nodePath: process.env.NODE_PATH };
};
exports.callbackOk = (event, context, callback) => {
  setTimeout(() => callback(null, { n: event.n + 1 }), 10);
};
exports.legacySucceed = function (event, context) { context.succeed('done'); };
exports.throws = async () => { throw new TypeError('no good'); };
exports.callbackError = (event, context, callback) => callback(new Error('via callback'));
exports.hangs = () => new Promise(() => {});
)";

// A module that takes LOAD_SECONDS to import, as a handler with heavy imports does.
constexpr const char* slow_loading_module = R"(import os, time
time.sleep(float(os.environ["LOAD_SECONDS"]))
def handler(event, context):
    return {"loaded": True}
)";

// Each process says it has loaded (a file named after its pid in MARKS) before any invocation;
// `meet` returns once `n` invocations are inside it at the same time, or after 60 s.
constexpr const char* meeting_module = R"(import os, time
open(os.path.join(os.environ["MARKS"], "loaded-%d" % os.getpid()), "w").close()
def meet(event, context):
    room = event["room"]
    open(os.path.join(room, context.aws_request_id), "w").close()
    deadline = time.time() + 60
    while len(os.listdir(room)) < event["n"] and time.time() < deadline:
        time.sleep(0.01)
    return {"together": len(os.listdir(room)) >= event["n"], "pid": os.getpid()}
)";

struct Fixture {
    TempDir work;
    Runtime runtime;

    explicit Fixture(std::chrono::milliseconds init_timeout = std::chrono::seconds(10),
                     std::size_t concurrency = 4, std::size_t max_queued = 1000)
        : runtime([&] {
              RuntimeConfig config;
              config.bootstrap_directory = work / "bootstrap";
              config.api_endpoint_url = "http://127.0.0.1:4580";
              config.node_modules_directory = work / "node_modules";
              config.init_timeout = init_timeout;
              config.concurrency = concurrency;
              config.max_queued = max_queued;
              return config;
          }()) {
        write_files(work / "py", {{"lambda_function.py", python_handlers},
                                  {"slow_loading.py", slow_loading_module},
                                  {"meeting.py", meeting_module}});
        write_files(work / "js", {{"index.js", node_handlers}});
    }

    Function function(const std::string& runtime, const std::string& handler, int timeout = 3) {
        Function f;
        f.name = "fn-" + std::to_string(counter_++);
        f.arn = "arn:aws:lambda:us-east-1:123456789012:function:" + f.name;
        f.runtime = runtime;
        f.family = runtime.starts_with("python") ? RuntimeFamily::python : RuntimeFamily::node;
        f.handler = handler;
        f.timeout = timeout;
        f.revision_id = "r1";
        f.environment = {{"STAGE", "unit"}};
        f.code.directory = f.family == RuntimeFamily::python ? work / "py" : work / "js";
        return f;
    }

private:
    int counter_ = 0;
};

json payload_of(const InvokeResult& result) { return json::parse(result.payload); }

// A process that no longer runs: gone, or a zombie nobody has reaped yet.
bool process_gone(const std::string& pid) {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const auto state = line.find(") ");
    return state != std::string::npos && line[state + 2] == 'Z';
}

bool gone_within_a_second(const std::string& pid) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!process_gone(pid)) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

std::string read_pid(const std::filesystem::path& file) {
    std::string pid;
    std::ifstream(file) >> pid;
    return pid;
}

}  // namespace

TEST_CASE("a python handler gets its event, context and environment and returns JSON") {
    Fixture fx;
    const auto result =
        fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.ok"), R"({"n": 21})");
    REQUIRE_FALSE(result.function_error);
    const auto out = payload_of(result);
    CHECK(out["n"] == 42);
    CHECK(out["name"] == "fn-0");
    CHECK(out["request"].get<std::string>().size() == 36);
    CHECK(out["left"].get<int>() > 2000);
    CHECK(out["memory"] == 128);
    CHECK(out["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn-0");
    CHECK(out["region"] == "us-east-1");
    CHECK(out["endpoint"] == "http://127.0.0.1:4580");
    CHECK(out["stage"] == "unit");
    CHECK(out["root"] == (fx.work / "py").string());
    CHECK(result.log_tail.find("handling 21") != std::string::npos);
    CHECK(result.log_tail.find("START RequestId:") == 0);
    CHECK(result.log_tail.find("REPORT RequestId:") != std::string::npos);
}

TEST_CASE("a warm python process is reused for the next invocation of the same revision") {
    Fixture fx;
    auto function = fx.function("python3.12", "lambda_function.ok");
    const auto first = payload_of(fx.runtime.invoke_and_wait(function, R"({"n": 1})"));
    const auto second = payload_of(fx.runtime.invoke_and_wait(function, R"({"n": 2})"));
    CHECK(first["pid"] == second["pid"]);
    function.revision_id = "r2";  // an update: a new process
    const auto third = payload_of(fx.runtime.invoke_and_wait(function, R"({"n": 3})"));
    CHECK(third["pid"] != second["pid"]);
    fx.runtime.retire(function.name);
    const auto fourth = payload_of(fx.runtime.invoke_and_wait(function, R"({"n": 4})"));
    CHECK(fourth["pid"] != third["pid"]);
}

TEST_CASE("a python exception is an Unhandled error shaped like Lambda's") {
    Fixture fx;
    const auto function = fx.function("python3.12", "lambda_function.throws");
    const auto result = fx.runtime.invoke_and_wait(function, R"({"n": 7})");
    REQUIRE(result.function_error == "Unhandled");
    const auto error = payload_of(result);
    CHECK(error["errorType"] == "ValueError");
    CHECK(error["errorMessage"] == "bad event 7");
    CHECK(error["stackTrace"].is_array());
    CHECK(result.log_tail.find("[ERROR] ValueError: bad event 7") != std::string::npos);
    // The process survives its handler's exception.
    CHECK_FALSE(fx.runtime.invoke_and_wait(function, "{}").payload.empty());
}

TEST_CASE("a handler past its timeout is killed and the result says so") {
    Fixture fx;
    const auto function = fx.function("python3.12", "lambda_function.hangs", 1);
    const auto started = std::chrono::steady_clock::now();
    const auto result = fx.runtime.invoke_and_wait(function, "{}");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    REQUIRE(result.function_error == "Unhandled");
    CHECK(payload_of(result)["errorMessage"].get<std::string>().find(
              "Task timed out after 1.00 seconds") != std::string::npos);
    // Killed, not waited for: the handler sleeps 30 s. The margin is for a loaded machine, where
    // the interpreter's start alone can take seconds.
    CHECK(elapsed < std::chrono::seconds(20));
}

TEST_CASE("a handler that floods its output is logged within bounds and still answers") {
    Fixture fx;
    const auto result =
        fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.floods", 30), "{}");
    REQUIRE_FALSE(result.function_error);
    CHECK(payload_of(result) == json{{"done", true}});
    CHECK(result.log_tail.size() <= 4096);
    CHECK(result.log_tail.find("line 99999") != std::string::npos);
}

TEST_CASE("a handler's child process dies with it at its timeout and when it exits") {
    Fixture fx;
    for (const char* handler :
         {"lambda_function.forks_then_hangs", "lambda_function.forks_then_exits"}) {
        INFO(handler);
        const auto pidfile = fx.work / (std::string(handler) + ".pid");
        const auto result = fx.runtime.invoke_and_wait(fx.function("python3.12", handler, 1),
                                                       json{{"pidfile", pidfile.string()}}.dump());
        CHECK(result.function_error == "Unhandled");
        const auto pid = read_pid(pidfile);
        REQUIRE_FALSE(pid.empty());
        CHECK(gone_within_a_second(pid));
    }
}

TEST_CASE("a process that exits mid-invocation is reported and replaced") {
    Fixture fx;
    const auto result =
        fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.crashes"), "{}");
    REQUIRE(result.function_error == "Unhandled");
    const auto error = payload_of(result);
    CHECK(error["errorType"] == "Runtime.ExitError");
    CHECK(error["errorMessage"].get<std::string>().find("exit status 3") != std::string::npos);
    CHECK(result.log_tail.find("about to exit") != std::string::npos);
    const auto after =
        fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.ok"), R"({"n": 1})");
    CHECK_FALSE(after.function_error);
}

TEST_CASE("a missing module or function is an init error") {
    Fixture fx;
    auto result = fx.runtime.invoke_and_wait(fx.function("python3.12", "nosuch.handler"), "{}");
    CHECK(payload_of(result)["errorType"] == "Runtime.ImportModuleError");
    result = fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.nosuch"), "{}");
    CHECK(payload_of(result)["errorType"] == "Runtime.HandlerNotFound");
    result = fx.runtime.invoke_and_wait(fx.function("python3.12", "lambda_function.unserializable"),
                                        "{}");
    CHECK(payload_of(result)["errorType"] == "Runtime.MarshalError");
}

TEST_CASE("a handler past the init phase's bound loads on within the function's timeout") {
    Fixture fx(std::chrono::milliseconds(200));
    auto slow = fx.function("python3.12", "slow_loading.handler", 5);
    slow.environment = {{"LOAD_SECONDS", "0.5"}};
    CHECK(payload_of(fx.runtime.invoke_and_wait(slow, "{}"))["loaded"] == true);

    auto too_slow = fx.function("python3.12", "slow_loading.handler", 1);
    too_slow.environment = {{"LOAD_SECONDS", "30"}};
    const auto failed = payload_of(fx.runtime.invoke_and_wait(too_slow, "{}"));
    CHECK(failed["errorType"] == "Runtime.InitTimeout");
    CHECK(failed["errorMessage"] == "The handler did not load within 1.20 seconds");
}

TEST_CASE("node handlers: async, callback and legacy context.succeed") {
    Fixture fx;
    const auto async_function = fx.function("nodejs20.x", "index.asyncOk");
    auto result = fx.runtime.invoke_and_wait(async_function, R"({"n": 5})");
    REQUIRE_FALSE(result.function_error);
    auto out = payload_of(result);
    CHECK(out["n"] == 10);
    CHECK(out["name"] == async_function.name);
    CHECK(out["left"].get<int>() > 2000);
    CHECK(out["nodePath"] == (fx.work / "node_modules").string());
    CHECK(result.log_tail.find("async handling 5") != std::string::npos);
    const auto again = payload_of(fx.runtime.invoke_and_wait(async_function, R"({"n": 6})"));
    CHECK(again["pid"] == out["pid"]);

    result =
        fx.runtime.invoke_and_wait(fx.function("nodejs12.x", "index.callbackOk"), R"({"n": 1})");
    CHECK(payload_of(result)["n"] == 2);
    result = fx.runtime.invoke_and_wait(fx.function("nodejs4.3", "index.legacySucceed"), "{}");
    CHECK(result.payload == "\"done\"");
}

TEST_CASE("node errors: a rejected promise, a callback error and a hang past the timeout") {
    Fixture fx;
    auto result = fx.runtime.invoke_and_wait(fx.function("nodejs20.x", "index.throws"), "{}");
    REQUIRE(result.function_error == "Unhandled");
    CHECK(payload_of(result)["errorType"] == "TypeError");
    CHECK(payload_of(result)["errorMessage"] == "no good");
    result = fx.runtime.invoke_and_wait(fx.function("nodejs20.x", "index.callbackError"), "{}");
    CHECK(payload_of(result)["errorMessage"] == "via callback");
    result = fx.runtime.invoke_and_wait(fx.function("nodejs20.x", "index.hangs", 1), "{}");
    CHECK(payload_of(result)["errorMessage"].get<std::string>().find("Task timed out after 1.00") !=
          std::string::npos);
}

TEST_CASE("invoke returns at once and overlapping invocations complete on runtime threads") {
    Fixture fx;
    const auto function = fx.function("python3.12", "lambda_function.ok");
    std::vector<std::future<InvokeResult>> results;
    std::vector<std::shared_ptr<std::promise<InvokeResult>>> promises;
    for (int i = 0; i < 3; ++i) {
        auto promise = std::make_shared<std::promise<InvokeResult>>();
        results.push_back(promise->get_future());
        fx.runtime.invoke(function, json{{"n", i}}.dump(),
                          [promise](InvokeResult r) { promise->set_value(std::move(r)); });
    }
    for (int i = 0; i < 3; ++i) CHECK(payload_of(results[i].get())["n"] == i * 2);
}

namespace {

// The pids of the processes that have loaded the meeting module, once `count` have.
std::set<std::string> loaded_pids(const std::filesystem::path& marks, std::size_t count) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::set<std::string> pids;
    while (std::chrono::steady_clock::now() < until) {
        pids.clear();
        for (const auto& mark : std::filesystem::directory_iterator(marks))
            pids.insert(mark.path().filename().string().substr(std::string("loaded-").size()));
        if (pids.size() >= count) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pids;
}

Function meeting(Fixture& fx, const std::filesystem::path& marks) {
    std::filesystem::create_directories(marks);
    auto function = fx.function("python3.12", "meeting.meet", 90);
    function.environment = {{"MARKS", marks.string()}};
    return function;
}

}  // namespace

TEST_CASE("overlapping invocations of one function run at once, in as many processes") {
    Fixture fx(std::chrono::seconds(10), 3);
    const auto function = meeting(fx, fx.work / "marks");
    const auto room = fx.work / "room";
    std::filesystem::create_directories(room);
    std::vector<std::future<InvokeResult>> results;
    for (int i = 0; i < 3; ++i)
        results.push_back(std::async(std::launch::async, [&] {
            return fx.runtime.invoke_and_wait(function,
                                              json{{"room", room.string()}, {"n", 3}}.dump());
        }));
    std::set<int> pids;
    for (auto& result : results) {
        const auto out = payload_of(result.get());
        CHECK(out["together"] == true);  // all three were inside the handler at once
        pids.insert(out["pid"].get<int>());
    }
    CHECK(pids.size() == 3);
}

TEST_CASE("a deployed function has a process loaded before its first invocation") {
    Fixture fx;
    const auto marks = fx.work / "marks";
    auto function = meeting(fx, marks);
    fx.runtime.deploy(function);
    const auto prewarmed = loaded_pids(marks, 1);
    REQUIRE(prewarmed.size() == 1);  // loaded with no invocation yet, and only one
    const auto room = fx.work / "room";
    std::filesystem::create_directories(room);
    const auto out = payload_of(
        fx.runtime.invoke_and_wait(function, json{{"room", room.string()}, {"n", 1}}.dump()));
    CHECK(std::to_string(out["pid"].get<int>()) == *prewarmed.begin());
}

TEST_CASE("an update replaces the warm process with one on the new revision") {
    Fixture fx;
    const auto marks = fx.work / "marks";
    auto function = meeting(fx, marks);
    fx.runtime.deploy(function);
    const auto first = loaded_pids(marks, 1);
    REQUIRE(first.size() == 1);
    function.revision_id = "r2";
    fx.runtime.deploy(function);
    const auto both = loaded_pids(marks, 2);
    REQUIRE(both.size() == 2);  // the new revision's process loaded before any invocation
    CHECK(gone_within_a_second(*first.begin()));  // the old one, idle, has ended
    const auto room = fx.work / "room";
    std::filesystem::create_directories(room);
    const auto out = payload_of(
        fx.runtime.invoke_and_wait(function, json{{"room", room.string()}, {"n", 1}}.dump()));
    CHECK(std::to_string(out["pid"].get<int>()) != *first.begin());
    CHECK(both.contains(std::to_string(out["pid"].get<int>())));
}

TEST_CASE("an invocation beyond the function's queue is throttled with TooManyRequestsException") {
    Fixture fx(std::chrono::seconds(10), 1, 1);
    const auto function = fx.function("python3.12", "lambda_function.hangs", 1);
    std::vector<std::string> refusals;
    for (int i = 0; i < 3; ++i) {
        try {
            fx.runtime.invoke(function, "{}", [](InvokeResult) {});
        } catch (const AwsError& error) {
            refusals.push_back(error.code());
        }
    }
    // One process (busy or starting) and one waiting invocation at most: the third is refused.
    REQUIRE_FALSE(refusals.empty());
    CHECK(refusals.back() == "TooManyRequestsException");
}

TEST_CASE("deleting a function fails its waiting invocations") {
    Fixture fx(std::chrono::seconds(10), 1);
    const auto function = fx.function("python3.12", "lambda_function.forks_then_hangs", 30);
    const auto pidfile = fx.work / "busy.pid";
    const auto event = json{{"pidfile", pidfile.string()}}.dump();
    std::vector<std::future<InvokeResult>> results;
    for (int i = 0; i < 3; ++i)
        results.push_back(std::async(std::launch::async,
                                     [&] { return fx.runtime.invoke_and_wait(function, event); }));
    // One invocation is in the handler (its only process); the others wait for it.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (read_pid(pidfile).empty() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE_FALSE(read_pid(pidfile).empty());
    fx.runtime.retire(function.name, Runtime::Busy::kill);
    std::multiset<std::string> types;
    for (auto& result : results) {
        const auto out = result.get();
        CHECK(out.function_error == "Unhandled");
        types.insert(payload_of(out)["errorType"].get<std::string>());
    }
    CHECK(types.count("Runtime.ExitError") == 1);  // killed in the middle
    CHECK(types.count("ResourceNotFoundException") == 2);
}
