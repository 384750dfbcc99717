import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { channelsApi } from '../../api';
import { surveysApi } from '../../api/surveys';
import { useSession } from '../../session/SessionContext';
import { pickText, surveyLanguageOf } from './surveyText';

export interface PickerOption {
  value: string;
  label: string;
}

/**
 * Options for touchpoint and channel pickers: the workspace's touchpoint catalogue and channels, labelled in the
 * reader's language. Empty when the role cannot read them (the pickers then accept typed keys).
 */
export function usePickers(): { touchpoints: PickerOption[]; channels: PickerOption[] } {
  const { i18n } = useTranslation();
  const { can } = useSession();
  const language = surveyLanguageOf(i18n.resolvedLanguage);
  const [touchpoints, setTouchpoints] = useState<{ key: string; name: Record<string, string> }[]>([]);
  const [channels, setChannels] = useState<{ key: string; name: Record<string, string> }[]>([]);
  const canTouchpoints = can('touchpoints.read');
  useEffect(() => {
    const controller = new AbortController();
    if (canTouchpoints)
      surveysApi
        .touchpoints(controller.signal)
        .then((r) => setTouchpoints(r.data))
        .catch(() => undefined);
    channelsApi
      .list(controller.signal)
      .then((r) => setChannels(r.data))
      .catch(() => undefined);
    return () => controller.abort();
  }, [canTouchpoints]);
  return {
    touchpoints: touchpoints.map((x) => ({
      value: x.key,
      label: `${pickText(x.name, language)} (${x.key})`,
    })),
    channels: channels.map((x) => ({ value: x.key, label: `${pickText(x.name, language)} (${x.key})` })),
  };
}
