# iot-emulator's Python runtime for one Lambda function: loads `_HANDLER` from LAMBDA_TASK_ROOT,
# then serves invocations, one JSON line at a time, read from fd 3 and answered on fd 4. The
# handler's own stdout and stderr stay free for its logs. The emulator embeds this file and writes
# it under <data-dir>/lambda/bootstrap/ at start; it must never need anything but the standard
# library.
import importlib
import importlib.util
import json
import os
import sys
import time
import traceback

REQUESTS_FD = 3
RESPONSES_FD = 4


def error_object(error_type, message, stack=None):
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


def exception_object(error):
    stack = traceback.format_list(traceback.extract_tb(error.__traceback__))
    return error_object(type(error).__name__, str(error), stack)


def log_error(error_object_):
    sys.stderr.write("[ERROR] %s: %s\n" % (error_object_["errorType"], error_object_["errorMessage"]))
    for frame in error_object_["stackTrace"]:
        sys.stderr.write(frame)
    sys.stderr.flush()


# boto3/botocore older than 1.31.57 (Debian 12 ships 1.26/1.29) ignore AWS_ENDPOINT_URL. For
# those, every client the handler creates without an endpoint_url gets the emulator's, patched in
# when botocore.session is first imported (clients are often created at module import time).
def patch_botocore_session(module):
    import botocore

    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    try:
        version = tuple(int(part) for part in botocore.__version__.split(".")[:3])
    except ValueError:
        version = (0, 0, 0)
    if not endpoint or version >= (1, 31, 57):
        return
    original = module.Session.create_client

    def create_client(self, *args, **kwargs):
        if len(args) > 5:  # endpoint_url given by position
            if args[5] is None:
                args = args[:5] + (endpoint,) + args[6:]
        elif kwargs.get("endpoint_url") is None:
            kwargs["endpoint_url"] = endpoint
        return original(self, *args, **kwargs)

    module.Session.create_client = create_client


class BotocoreSessionHook:
    def find_spec(self, name, path=None, target=None):
        if name != "botocore.session":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            patch_botocore_session(module)

        spec.loader.exec_module = exec_and_patch
        return spec


class Context:
    def __init__(self, request):
        name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_name = name
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.invoked_function_arn = request.get("function_arn", "")
        self.aws_request_id = request["id"]
        self.log_group_name = "/aws/lambda/" + name
        self.log_stream_name = "iot-emulator/" + str(os.getpid())
        self.identity = None
        self.client_context = None
        self._deadline_ms = request["deadline_ms"]

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))

    def log(self, message):
        sys.stdout.write(str(message))
        sys.stdout.flush()


def load_handler(spec):
    """The handler function, or (None, error object) as Lambda's Python runtime reports it."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as error:
        return None, error_object("Runtime.MalformedHandlerName",
                                  "Bad handler '%s': %s" % (spec, error))
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return None, error_object("Runtime.ImportModuleError",
                                  "Unable to import module '%s': %s" % (module_name, error))
    except SyntaxError as error:
        return None, error_object("Runtime.UserCodeSyntaxError",
                                  "Syntax error in module '%s': %s" % (module_name, error))
    except Exception as error:  # the module's own code failed at import
        return None, exception_object(error)
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, error_object("Runtime.HandlerNotFound",
                                  "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler, None


def invoke(handler, request):
    try:
        result = handler(request["event"], Context(request))
    except Exception as error:
        failure = exception_object(error)
        log_error(failure)
        return {"type": "error", "id": request["id"], "error": failure}
    try:
        payload = json.dumps(result)
    except (TypeError, ValueError) as error:
        failure = error_object("Runtime.MarshalError", "Unable to marshal response: %s" % error)
        log_error(failure)
        return {"type": "error", "id": request["id"], "error": failure}
    return {"type": "result", "id": request["id"], "payload": payload}


def main():
    for fd in (REQUESTS_FD, RESPONSES_FD):
        os.set_inheritable(fd, False)  # processes the handler starts must not hold our pipes
    requests = os.fdopen(REQUESTS_FD, "rb")
    responses = os.fdopen(RESPONSES_FD, "wb")

    def send(message):
        responses.write(json.dumps(message).encode() + b"\n")
        responses.flush()

    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    sys.meta_path.insert(0, BotocoreSessionHook())
    handler, failure = load_handler(os.environ["_HANDLER"])
    if failure is not None:
        log_error(failure)
        send({"type": "init_error", "error": failure})
        return
    send({"type": "ready"})
    for line in requests:
        if line.strip():
            response = invoke(handler, json.loads(line))
            sys.stdout.flush()  # the handler's output reaches the log before its result
            sys.stderr.flush()
            send(response)


if __name__ == "__main__":
    main()
