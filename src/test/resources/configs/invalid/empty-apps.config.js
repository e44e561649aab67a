module.exports = {
  apps: [],
};
