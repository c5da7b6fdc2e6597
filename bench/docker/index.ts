// Public face of the Docker helpers: the bench's Node base image and removing a node's containers and images.
export { BASE_IMAGE, ensureBaseImage, removeNodeObjects } from './docker-image.js';
