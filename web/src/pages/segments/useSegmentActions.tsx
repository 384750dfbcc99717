import { App } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { segmentsApi, type Segment } from '../../api/segments';
import { useFormatters } from '../../i18n/format';
import { useErrorMessage } from '../../lib/errors';
import { useSegmentText } from './segmentDisplay';

export interface SegmentActions {
  /**
   * Recomputes the members; resolves with the segment (refresh running), the segment as it is now when it turned out
   * to be archived (409 SEGMENT_ARCHIVED), or null when it failed.
   */
  refresh: (segment: Segment) => Promise<Segment | null>;
  /** Archives (members frozen) or reactivates (members recomputed). */
  setStatus: (segment: Segment, status: Segment['status']) => Promise<Segment | null>;
  /** Asks first; resolves true once deleted. */
  remove: (segment: Segment) => Promise<boolean>;
}

/** The segment actions the list and the detail page share, with their confirmations and messages. */
export function useSegmentActions(): SegmentActions {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const messageOf = useErrorMessage();
  const format = useFormatters();
  const nameOf = useSegmentText();

  const refresh = useCallback(
    async (segment: Segment) => {
      try {
        const next = await segmentsApi.refresh(segment.key);
        void message.success(t('segments.actions.refreshStarted', { name: nameOf(segment.name) }));
        return next;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'SEGMENT_ARCHIVED') {
          // Archived meanwhile (in another tab, by someone else): say so, and hand back the segment as it is now.
          void message.warning(t('segments.errors.archived', { name: nameOf(segment.name) }));
          return segmentsApi.get(segment.key).catch(() => null);
        }
        void message.error(messageOf(error));
        return null;
      }
    },
    [message, messageOf, nameOf, t],
  );

  const setStatus = useCallback(
    async (segment: Segment, status: Segment['status']) => {
      try {
        const next = await segmentsApi.update(segment.key, { status, version: segment.version });
        void message.success(
          t(status === 'archived' ? 'segments.actions.archived' : 'segments.actions.reactivated', {
            name: nameOf(segment.name),
          }),
        );
        return next;
      } catch (error) {
        void message.error(messageOf(error));
        return null;
      }
    },
    [message, messageOf, nameOf, t],
  );

  const remove = useCallback(
    (segment: Segment) =>
      new Promise<boolean>((resolve) => {
        const name = nameOf(segment.name);
        modal.confirm({
          title: t('segments.actions.deleteTitle', { name }),
          content: t('segments.actions.deleteText', {
            count: segment.memberCount,
            members: format.number(segment.memberCount),
          }),
          okText: t('segments.actions.deleteOk'),
          okButtonProps: { danger: true, 'data-testid': 'confirm-delete' },
          cancelText: t('common.cancel'),
          onOk: async () => {
            try {
              await segmentsApi.remove(segment.key);
              void message.success(t('segments.actions.deleted', { name }));
              resolve(true);
            } catch (error) {
              void message.error(messageOf(error));
              throw error; // keeps the dialog open
            }
          },
          onCancel: () => resolve(false),
        });
      }),
    [format, message, messageOf, modal, nameOf, t],
  );

  return { refresh, setStatus, remove };
}
