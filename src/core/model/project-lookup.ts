import { AppError } from '../errors.js';
import type { Project, State } from './state.js';

/** The project with this id in this EA, or PROJECT_NOT_FOUND saying how to get one. */
export function requireProject(state: Readonly<State>, ea: number, id: number): Project {
  const project = state.projects.find((p) => p.ea === ea && p.id === id);
  if (!project) {
    throw new AppError('PROJECT_NOT_FOUND', `Project ${id} does not exist in EA ${ea}.`, {
      hint: 'Call add_project first (omar project add NAME), or list_projects to see the ids.',
      details: { project_id: id },
    });
  }
  return project;
}
