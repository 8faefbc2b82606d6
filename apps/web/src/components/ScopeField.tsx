import { isAdmin, me, teams } from '../lib/session';
import { SelectField } from './Field';

/**
 * “Scope” of a new row that belongs to the system or a team (`''` is the system): admins may pick the
 * system (labelled `systemLabel`) or any team, team admins their own teams.
 */
export function ScopeField(props: {
  value: string;
  onValue: (teamId: string) => void;
  systemLabel: string;
  error?: string;
}) {
  const options = () => [
    ...(isAdmin() ? [{ value: '', label: props.systemLabel }] : []),
    ...teams()
      .filter((t) => isAdmin() || (me()?.user.teamIds ?? []).includes(t.id))
      .map((t) => ({ value: t.id, label: `Team ${t.name}` })),
  ];
  return (
    <SelectField
      label="Scope"
      value={props.value}
      onValue={props.onValue}
      options={options()}
      error={props.error}
    />
  );
}
