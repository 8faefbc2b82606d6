export { createTeam } from './createTeam';
export { deleteTeam } from './deleteTeam';
export { listTeams } from './listTeams';
export { updateTeam } from './updateTeam';
