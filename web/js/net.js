// Requests to the node that serves these pages: the JSON API (/api/v1/,
// docs/http.md) and the signed checkpoint.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(path, accept) {
  let response;
  try {
    response = await fetch(path, {headers: {Accept: accept}, credentials: 'omit'});
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', String(e.message || e));
  }
  return response;
}

// GET /api/v1/<path> and its JSON, or an ApiError with the node's code and message.
export async function getJson(path) {
  const response = await request('/api/v1/' + path, 'application/json');
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || 'HTTP_' + response.status,
                       error.message || response.statusText);
  }
  if (body === null) throw new ApiError(response.status, 'INVALID_ANSWER', 'the answer is not JSON');
  return body;
}

// GET a plain-text path such as /checkpoint.
export async function getText(path) {
  const response = await request(path, 'text/plain');
  const text = await response.text();
  if (!response.ok) throw new ApiError(response.status, 'HTTP_' + response.status, text.trim());
  return text;
}
