import { Tooltip } from 'antd';
import { useFormatters } from '../i18n/format';

/** A time in the reader's language; `relative` shows "3 hours ago". The exact time is in the tooltip. */
export function TimeText({ iso, relative = false }: { iso: string; relative?: boolean }) {
  const format = useFormatters();
  return (
    <Tooltip title={relative ? format.dateTime(iso) : iso}>
      <time dateTime={iso} className="tp-nowrap">
        {relative ? format.relative(iso) : format.dateTime(iso)}
      </time>
    </Tooltip>
  );
}
