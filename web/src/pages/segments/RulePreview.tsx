import { ExportOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Spin, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api';
import { segmentsApi, type SegmentCondition, type SegmentPreview } from '../../api/segments';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useSession } from '../../session/SessionContext';
import { CustomerAvatar } from '../customers/customerDisplay';

/** How long the rule must stay unchanged before it is sent: typing a value does not send every keystroke. */
export const PREVIEW_DEBOUNCE_MS = 600;

type State =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; preview: SegmentPreview }
  | { status: 'invalid' }
  | { status: 'error'; error: unknown };

/**
 * The live audience of the rule being edited: "≈ N customers (of T)" (or exactly N when every customer was checked)
 * with a few matching customers, asked of the API once the rule has stayed unchanged for a moment and passes the
 * builder's own checks. The API's SEGMENT_CONDITION_INVALID goes to `onInvalid`, which puts it on its row.
 */
export function RulePreview({
  condition,
  ready,
  onInvalid,
}: {
  condition: SegmentCondition;
  /** The rule passes the builder's own checks (and the drawer is open): it can be sent. */
  ready: boolean;
  onInvalid: (error: ApiError) => void;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const messageOf = useErrorMessage();
  const { can } = useSession();
  const allowed = can('customers.read');
  const [state, setState] = useState<State>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  // The last answer stays on screen (dimmed) while the next one is computed, so the panel does not jump.
  const [last, setLast] = useState<SegmentPreview | null>(null);
  const invalid = useRef(onInvalid);
  invalid.current = onInvalid;

  // The rule as sent: an unchanged rule (same text) is not asked again.
  const rule = allowed && ready ? JSON.stringify(condition) : null;

  useEffect(() => {
    if (rule === null) {
      setState({ status: 'idle' });
      return undefined;
    }
    setState({ status: 'loading' });
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      segmentsApi
        .preview(JSON.parse(rule) as SegmentCondition, { signal: controller.signal })
        .then((preview) => {
          if (controller.signal.aborted) return;
          setLast(preview);
          setState({ status: 'ready', preview });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof ApiError && error.code === 'SEGMENT_CONDITION_INVALID') {
            setState({ status: 'invalid' });
            invalid.current(error);
          } else {
            setState({ status: 'error', error });
          }
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [rule, attempt]);

  const figures = (preview: SegmentPreview) => {
    const values = { estimate: format.number(preview.estimate), total: format.number(preview.total) };
    return (
      <>
        <Typography.Text strong className="tp-seg-preview-figure" data-testid="preview-estimate">
          {preview.estimate === 0
            ? t('segments.preview.none', values)
            : preview.exact
              ? t('segments.preview.exact', values)
              : t('segments.preview.estimate', values)}
        </Typography.Text>
        <Typography.Text type="secondary" className="tp-small" data-testid="preview-basis">
          {preview.exact
            ? t('segments.preview.exactHelp')
            : t('segments.preview.sampled', { sampled: format.number(preview.sampled) })}
        </Typography.Text>
      </>
    );
  };

  let body: ReactNode;
  let shown: SegmentPreview | null = null;
  if (!allowed) {
    body = <Typography.Text type="secondary">{t('segments.preview.noAccess')}</Typography.Text>;
  } else if (state.status === 'idle') {
    body = <Typography.Text type="secondary">{t('segments.preview.incomplete')}</Typography.Text>;
  } else if (state.status === 'loading') {
    shown = last;
    body = (
      <>
        <Spin size="small" />
        <Typography.Text type="secondary" data-testid="preview-loading">
          {t('segments.preview.loading')}
        </Typography.Text>
        {last && <span className="tp-seg-preview-stale">{figures(last)}</span>}
      </>
    );
  } else if (state.status === 'ready') {
    shown = state.preview;
    body = figures(state.preview);
  } else if (state.status === 'invalid') {
    body = (
      <Typography.Text type="danger" data-testid="preview-invalid">
        {t('segments.preview.invalid')}
      </Typography.Text>
    );
  } else {
    body = (
      <>
        <Typography.Text type="danger" data-testid="preview-error">
          {t('segments.preview.failed')}: {messageOf(state.error)}
        </Typography.Text>
        <Button size="small" onClick={() => setAttempt((n) => n + 1)}>
          {t('segments.preview.retry')}
        </Button>
      </>
    );
  }

  const examples = shown?.examples ?? [];
  return (
    <section
      className="tp-seg-preview"
      aria-label={t('segments.preview.title')}
      aria-busy={state.status === 'loading'}
      data-testid="rule-preview"
      data-status={allowed ? state.status : 'forbidden'}
    >
      <div className="tp-seg-preview-line" aria-live="polite">
        <Typography.Text type="secondary" className="tp-seg-preview-label">
          <TeamOutlined /> {t('segments.preview.title')}
        </Typography.Text>
        {body}
      </div>
      {examples.length > 0 && (
        <div className={`tp-seg-preview-line${state.status === 'loading' ? ' tp-seg-preview-stale' : ''}`}>
          <Typography.Text type="secondary" className="tp-small">
            {t('segments.preview.examples')}
          </Typography.Text>
          {examples.map((c) => {
            const name = c.name ?? t('customer.unnamed');
            return (
              // A new tab: following the link must not lose the rule being edited.
              <Link
                key={c.id}
                to={`/customers/${encodeURIComponent(c.id)}`}
                target="_blank"
                rel="noopener"
                className="tp-seg-preview-example"
                title={t('segments.preview.openCustomer', { name })}
                data-testid="preview-example"
              >
                <span aria-hidden className="tp-seg-preview-avatar">
                  <CustomerAvatar id={c.id} name={c.name} size={20} />
                </span>
                <span className="tp-seg-preview-name">{name}</span>
                <ExportOutlined className="tp-seg-preview-external" aria-hidden />
              </Link>
            );
          })}
        </div>
      )}
    </section>
  );
}
