/** What the bounce parser reports; see parse.ts. */

export interface BouncedRecipient {
  /** As the report spells it (compare case-insensitively). */
  address: string;
  /** A delay or other temporary failure (4.x.x, "delayed", "will keep trying"), not a hard failure. */
  temporary: boolean;
  /** Enhanced status code, e.g. `5.1.1`, when the report gives one. */
  status?: string;
  /** The remote mail server's explanation, trimmed, at most 500 characters. */
  diagnostic?: string;
  /** `failed` or `delayed` (the DSN Action; for other notices, derived from `temporary`). */
  action?: string;
}

export interface BounceReport {
  kind: 'dsn' | 'non-standard' | 'auto-reply' | 'not-a-bounce';
  /**
   * Which detector recognised it: 'rfc3464' for standard reports, otherwise the mail system
   * ('postfix', 'exim', 'qmail', 'exchange', 'gmail', 'yahoo', 'aol', 'sendmail', 'lotus',
   * 'smtp32', ...) or 'simplematch' for the catch-all patterns.
   */
  format?: string;
  recipients: BouncedRecipient[];
  /**
   * For bounces: whether the failure is temporary. Set even when no recipient could be named
   * (the VERP address still says who bounced); a report with any hard failure is not temporary.
   */
  temporary?: boolean;
  /** Human-readable excerpt of the failure text for coordinators (at most 2 KB, plain text). */
  summary: string;
}
