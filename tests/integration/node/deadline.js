'use strict';
// The one timeout the Node.js test clients put on every step: a promise that settles as the
// given one does, or rejects naming the step once `ms` have passed.

const TIMEOUT_MS = 20_000;

function deadline(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

module.exports = { deadline, TIMEOUT_MS };
