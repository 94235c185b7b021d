/** A multi-select as toggle buttons (`aria-pressed`): keyboard-usable, large touch targets. */
import type { ReactNode } from 'react'

/** Props of {@link Chips}. */
export interface ChipsProps {
  label: string
  options: readonly string[]
  selected: readonly string[]
  onChange: (next: string[]) => void
}

/** Toggle buttons for a multiple-select field or a filter. */
export function Chips(props: ChipsProps): ReactNode {
  const toggle = (value: string): void =>
    props.onChange(
      props.selected.includes(value)
        ? props.selected.filter((v) => v !== value)
        : [...props.selected, value],
    )
  return (
    <fieldset className="chips">
      <legend>{props.label}</legend>
      {props.options.map((option) => (
        <button
          key={option}
          type="button"
          className="chip"
          aria-pressed={props.selected.includes(option)}
          onClick={() => toggle(option)}
        >
          {option}
        </button>
      ))}
    </fieldset>
  )
}
