// iot-emulator's Node.js runtime for one Lambda function: loads `_HANDLER` from LAMBDA_TASK_ROOT
// (CommonJS or ES module; async, promise-returning or callback-style handlers), then serves
// invocations, one JSON line at a time, read from fd 3 and answered on fd 4. The handler's own
// stdout and stderr stay free for its logs. The emulator embeds this file and writes it under
// <data-dir>/lambda/bootstrap/ at start; it must never need anything but Node's own modules.
'use strict';

const fs = require('fs');
const Module = require('module');
const path = require('path');
const readline = require('readline');
const { pathToFileURL } = require('url');

const REQUESTS_FD = 3;
const RESPONSES_FD = 4;

function send(message) {
  fs.writeSync(RESPONSES_FD, JSON.stringify(message) + '\n');
}

// The stack down to the handler's own frames: the bootstrap's are noise to its author.
function userTrace(stack) {
  const lines = String(stack || '').split('\n');
  const ours = lines.findIndex((line) => line.includes(__filename));
  return ours > 0 ? lines.slice(0, ours) : lines;
}

function errorObject(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message,
             trace: userTrace(error.stack) };
  }
  if (typeof error === 'string') return { errorType: 'string', errorMessage: error, trace: [] };
  let message;
  try {
    message = JSON.stringify(error);
  } catch (ignored) {
    message = String(error);
  }
  return { errorType: typeof error, errorMessage: message, trace: [] };
}

function logError(failure) {
  process.stderr.write(`ERROR\t${failure.errorType}: ${failure.errorMessage}\n`);
  for (const line of failure.trace.slice(1)) process.stderr.write(`${line}\n`);
}

// aws-sdk v2 ignores AWS_ENDPOINT_URL: every copy of it the handler loads (its own bundled one or
// the emulator's on NODE_PATH) gets the emulator's endpoint and region as global configuration,
// so every service client reaches the emulator's API port.
function configureSdkV2() {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return;
  const configured = new WeakSet();
  const originalLoad = Module._load;
  Module._load = function load(request, parent, isMain) {
    const exported = originalLoad.apply(this, arguments);
    if (typeof request === 'string' && /^aws-sdk(\/|$)/.test(request)) {
      let core;
      try {
        core = originalLoad.call(this, 'aws-sdk/lib/core', parent, false);
      } catch (ignored) {
        return exported;
      }
      if (core && core.config && !configured.has(core)) {
        configured.add(core);
        core.config.update({ endpoint, region: process.env.AWS_REGION });
      }
    }
    return exported;
  };
}

// ES modules ignore NODE_PATH. Where Node can register resolve hooks (18.19+, 20.6+), a bare
// specifier the handler's own folders cannot resolve is retried from each NODE_PATH entry, so
// `import { IoTClient } from '@aws-sdk/client-iot'` works as it does in Lambda.
function resolveEsmFromNodePath() {
  const entries = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  if (typeof Module.register !== 'function' || entries.length === 0) return;
  const parents = entries.map((entry) => pathToFileURL(path.join(path.dirname(entry), 'x.mjs')).href);
  const hook = `
    const parents = ${JSON.stringify(parents)};
    export async function resolve(specifier, context, next) {
      try {
        return await next(specifier, context);
      } catch (error) {
        const bare = !/^([./]|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
        if (!bare || error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
        for (const parentURL of parents) {
          try {
            return await next(specifier, { ...context, parentURL });
          } catch (ignored) {}
        }
        throw error;
      }
    }`;
  Module.register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

async function loadHandler(spec, taskRoot) {
  const slash = spec.lastIndexOf('/');
  const base = spec.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) {
    return { failure: { errorType: 'Runtime.MalformedHandlerName',
                        errorMessage: `Bad handler ${spec}`, trace: [] } };
  }
  const moduleName = spec.slice(0, slash + 1) + base.slice(0, dot);
  const handlerPath = base.slice(dot + 1).split('.');
  const modulePath = path.resolve(taskRoot, moduleName);
  let module;
  try {
    const candidates = ['.js', '.mjs', '.cjs'].map((ext) => modulePath + ext);
    const file = candidates.find((candidate) => fs.existsSync(candidate));
    if (!file) {
      const error = new Error(`Cannot find module '${moduleName}'`);
      return { failure: { errorType: 'Runtime.ImportModuleError',
                          errorMessage: `Error: ${error.message}`, trace: [] } };
    }
    if (file.endsWith('.mjs')) {
      module = await import(pathToFileURL(file).href);
    } else {
      try {
        module = require(file);
      } catch (error) {
        if (error.code !== 'ERR_REQUIRE_ESM') throw error;
        module = await import(pathToFileURL(file).href);
      }
    }
  } catch (error) {
    const failure = errorObject(error);
    if (error instanceof SyntaxError) failure.errorType = 'Runtime.UserCodeSyntaxError';
    return { failure };
  }
  let handler = module;
  for (const part of handlerPath) handler = handler == null ? undefined : handler[part];
  if (typeof handler !== 'function') {
    return { failure: { errorType: 'Runtime.HandlerNotFound',
                        errorMessage: `${spec} is undefined or not exported`, trace: [] } };
  }
  return { handler };
}

function makeContext(request, settle) {
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  return {
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    invokedFunctionArn: request.function_arn || '',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '128',
    awsRequestId: request.id,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `iot-emulator/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, request.deadline_ms - Date.now()),
    // The legacy context methods of the nodejs4.3 era, still used by old handlers.
    succeed: (result) => settle(null, result),
    fail: (error) => settle(error),
    done: (error, result) => settle(error, result),
  };
}

// Runs one invocation; resolves with the response line's object.
function invoke(handler, request) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) {
        const failure = errorObject(error);
        logError(failure);
        resolve({ type: 'error', id: request.id, error: failure });
        return;
      }
      let payload;
      try {
        payload = JSON.stringify(result === undefined ? null : result);
      } catch (marshal) {
        resolve({ type: 'error', id: request.id,
                  error: { errorType: 'Runtime.MarshalError',
                           errorMessage: `Unable to stringify response body: ${marshal.message}`,
                           trace: [] } });
        return;
      }
      resolve({ type: 'result', id: request.id, payload });
    };
    try {
      const returned = handler(request.event, makeContext(request, settle), settle);
      if (returned && typeof returned.then === 'function') {
        returned.then((result) => settle(null, result), (error) => settle(error));
      } else if (handler.length < 3) {
        settle(null, returned);  // a plain function that returns its result
      }
    } catch (error) {
      settle(error);
    }
  });
}

// An error that escapes the handler fails the invocation in progress and ends the process.
function failCurrentAndExit(errorType) {
  return (error) => {
    const failure = errorObject(error);
    failure.errorType = errorType || failure.errorType;
    logError(failure);
    // The process is not reused after this: Lambda's runtime restarts too.
    send({ type: 'error', id: null, error: failure, retire: true });
    process.exit(1);
  };
}

async function main() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  process.chdir(taskRoot);
  configureSdkV2();
  resolveEsmFromNodePath();
  const { handler, failure } = await loadHandler(process.env._HANDLER, taskRoot);
  if (failure) {
    logError(failure);
    send({ type: 'init_error', error: failure });
    process.exit(0);
  }
  process.on('uncaughtException', failCurrentAndExit(null));
  process.on('unhandledRejection', failCurrentAndExit('Runtime.UnhandledPromiseRejection'));
  const lines = readline.createInterface({ input: fs.createReadStream(null, { fd: REQUESTS_FD }) });
  const queue = [];
  let busy = false;
  const next = async () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const request = queue.shift();
    const response = await invoke(handler, request);
    send(response);
    busy = false;
    next();
  };
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    queue.push(JSON.parse(line));
    next();
  });
  lines.on('close', () => process.exit(0));
  send({ type: 'ready' });
}

main().catch((error) => {
  const failure = errorObject(error);
  logError(failure);
  send({ type: 'init_error', error: failure });
  process.exit(1);
});
