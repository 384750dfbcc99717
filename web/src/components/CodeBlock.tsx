import { CopyButton } from './CopyButton';

/** A block of code with a copy button, for install snippets. */
export function CodeBlock({ code, testId }: { code: string; testId?: string }) {
  return (
    <div className="tp-code" data-testid={testId}>
      <CopyButton text={code} className="tp-code-copy" />
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** A secret or key shown once: monospace, selectable, with a labelled copy button. */
export function SecretBox({ value, testId }: { value: string; testId?: string }) {
  return (
    <div className="tp-secret">
      <code data-testid={testId}>{value}</code>
      <CopyButton text={value} withLabel type="primary" size="middle" />
    </div>
  );
}
