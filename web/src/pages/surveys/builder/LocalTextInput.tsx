import { Input } from 'antd';
import type { LocalText } from '../../../api/surveys';
import { useFormatters } from '../../../i18n/format';

/**
 * One text in every survey language, side by side (zh-CN | en). An emptied optional text is removed; an emptied
 * required one stays empty so that the API names the missing translation.
 */
export function LocalTextInput({
  value,
  onChange,
  languages,
  multiline = false,
  placeholder,
  ariaLabel,
  testId,
}: {
  value: LocalText | undefined;
  onChange: (next: LocalText | undefined) => void;
  languages: string[];
  multiline?: boolean;
  placeholder?: string;
  ariaLabel: string;
  testId?: string;
}) {
  const format = useFormatters();
  const set = (language: string, text: string) => {
    const next: LocalText = { ...(value ?? {}) };
    if (text === '') delete next[language];
    else next[language] = text;
    onChange(Object.keys(next).length ? next : undefined);
  };
  return (
    <div
      className="tp-bilingual"
      style={{ gridTemplateColumns: `repeat(${languages.length}, minmax(0, 1fr))` }}
    >
      {languages.map((language) => {
        const label = `${ariaLabel} (${format.languageName(language)})`;
        const common = {
          value: value?.[language] ?? '',
          lang: language,
          placeholder: placeholder ?? format.languageName(language),
          'aria-label': label,
          maxLength: 2000,
          'data-testid': testId ? `${testId}-${language}` : undefined,
        };
        return (
          <div key={language}>
            <div className="tp-bilingual-label">{format.languageName(language)}</div>
            {multiline ? (
              <Input.TextArea
                {...common}
                autoSize={{ minRows: 1, maxRows: 4 }}
                onChange={(e) => set(language, e.target.value)}
              />
            ) : (
              <Input {...common} onChange={(e) => set(language, e.target.value)} />
            )}
          </div>
        );
      })}
    </div>
  );
}
