import { Select, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { journeysApi, type Touchpoint } from '../../api/journeys';
import { useSession } from '../../session/SessionContext';
import { useLocalText } from './shared';

/** The catalogue changes rarely: one request per workspace until it is edited (see forgetTouchpoints). */
const cache = new Map<string, Promise<Touchpoint[]>>();

/** Drops the cached catalogue after an edit, so filters and labels elsewhere read it again. */
export function forgetTouchpoints(): void {
  cache.clear();
}

/** The workspace's touchpoints (empty without `touchpoints.read` or while loading), for filters and labels. */
export function useTouchpoints(): { touchpoints: Touchpoint[]; nameOf: (key: string) => string } {
  const { current, can } = useSession();
  const local = useLocalText();
  const workspaceId = current?.workspace.id ?? null;
  const allowed = can('touchpoints.read');
  const [touchpoints, setTouchpoints] = useState<Touchpoint[]>([]);
  useEffect(() => {
    if (!workspaceId || !allowed) return;
    let active = true;
    let pending = cache.get(workspaceId);
    if (!pending) {
      pending = journeysApi.touchpoints().then((r) => r.data);
      pending.catch(() => cache.delete(workspaceId));
      cache.set(workspaceId, pending);
    }
    pending
      .then((list) => {
        if (active) setTouchpoints(list);
      })
      // Without the catalogue, touchpoints show by key and the filter stays empty.
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, [workspaceId, allowed]);
  const nameOf = useMemo(() => {
    const names = new Map(touchpoints.map((tp) => [tp.key, local(tp.name)]));
    return (key: string) => names.get(key) ?? key;
  }, [touchpoints, local]);
  return { touchpoints, nameOf };
}

/** A filter by touchpoint (e.g. on a customer's timeline); hidden when the role cannot read touchpoints. */
export function TouchpointFilter({
  value,
  onChange,
  testId,
}: {
  value: string | undefined;
  onChange: (key: string | undefined) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { touchpoints, nameOf } = useTouchpoints();
  if (!can('touchpoints.read')) return null;
  return (
    <Select
      allowClear
      size="small"
      style={{ width: 150 }}
      placeholder={t('journeys.timeline.allTouchpoints')}
      aria-label={t('journeys.timeline.touchpoint')}
      value={value}
      onChange={(key?: string) => onChange(key)}
      options={touchpoints.map((tp) => ({ value: tp.key, label: nameOf(tp.key) }))}
      data-testid={testId}
    />
  );
}

/** The touchpoint an event maps to, as a small tag. */
export function TouchpointTag({ touchpoint }: { touchpoint: string }) {
  const { nameOf } = useTouchpoints();
  return (
    <Tag color="purple" variant="outlined" className="tp-tl-tag" data-testid="timeline-touchpoint">
      {nameOf(touchpoint)}
    </Tag>
  );
}
