/**
 * A form inside a modal has its submit button in the modal footer, outside the <form>; this invisible button
 * restores "Enter submits the form" for forms with more than one field.
 */
export function SubmitOnEnter() {
  return <button type="submit" className="tp-visually-hidden" tabIndex={-1} aria-hidden="true" />;
}
