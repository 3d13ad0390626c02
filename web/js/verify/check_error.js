// A failed check: `check` names it as creg-audit verify-cert does (docs/audit.md,
// "The checks"), `code` is the message key (i18n "why.<code>"), `params` its values.
export class CheckError extends Error {
  constructor(check, code, params = {}) {
    super(`${check}: ${code} ${JSON.stringify(params)}`);
    this.check = check;
    this.code = code;
    this.params = params;
  }
}
